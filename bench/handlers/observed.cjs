// observed-inference, library mode from a CommonJS handler: require()d from
// the layer bundle (/opt/nodejs/node_modules/observed-inference), as most
// existing Lambda code and NodejsFunction's default output would.
const { observe, stage } = require('observed-inference');

// The shared synthetic model is an ES module; a CommonJS handler imports it once at init.
let score;
const modelReady = import('./model.mjs').then((m) => {
  score = m.score;
});

exports.handler = observe(
  async (event) => {
    if (!score) await modelReady;
    const { features } = JSON.parse(event.body);
    const prediction = await stage('predict', () => score(features));
    return { statusCode: 200, body: JSON.stringify(prediction) };
  },
  { model: { name: 'bench-model', version: '1' } },
);

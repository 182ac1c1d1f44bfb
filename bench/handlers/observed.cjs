// observed-inference, library mode from a CommonJS handler: require()d from
// the layer bundle (/opt/nodejs/node_modules/observed-inference), as most
// existing Lambda code and NodejsFunction's default output would.
const { observe, stage } = require('observed-inference');

// The shared synthetic model is an ES module; a CommonJS handler imports it once at init.
let model;
const modelReady = import('./model.mjs').then((m) => {
  model = m;
});

exports.handler = observe(
  async (event) => {
    if (!model) await modelReady;
    const { preprocess, STAGES, score } = model;
    const features =
      STAGES === 2
        ? await stage('preprocess', () => preprocess(event.body))
        : preprocess(event.body);
    const prediction = await stage('predict', () => score(features));
    return { statusCode: 200, body: JSON.stringify(prediction) };
  },
  { model: { name: 'bench-model', version: '1' } },
);

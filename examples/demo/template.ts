/**
 * A synthesized CloudFormation template read the way the demo needs it:
 * intrinsic functions resolved to plain strings as a deployment in
 * us-east-1 would resolve them, with resources named as the demo names them.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}

export interface Template {
  readonly Resources: Record<string, Resource>;
}

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

const PSEUDO: Record<string, string> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'FraudDetectionDemo',
  'AWS::NoValue': '',
};

/** Names the resources get once deployed (explicit names win; otherwise the caller's choice or the logical id). */
export class TemplateResolver {
  readonly #template: Template;
  readonly #names: Record<string, string>;

  constructor(template: Template, names: Record<string, string> = {}) {
    this.#template = template;
    this.#names = names;
  }

  /** The physical name of a resource: an explicit name property, a name given to the resolver, or its logical id. */
  nameOf(logicalId: string): string {
    if (this.#names[logicalId]) return this.#names[logicalId]!;
    const p = this.#template.Resources[logicalId]?.Properties ?? {};
    for (const key of [
      'FunctionName',
      'LogGroupName',
      'AlarmName',
      'DashboardName',
      'TopicName',
      'Name',
    ]) {
      const v = p[key];
      if (v !== undefined) return this.string(v);
    }
    return logicalId;
  }

  #arn(logicalId: string): string {
    const type = this.#template.Resources[logicalId]?.Type ?? '';
    const name = this.nameOf(logicalId);
    if (type === 'AWS::CloudWatch::Alarm' || type === 'AWS::CloudWatch::CompositeAlarm') {
      return `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
    }
    if (type === 'AWS::Lambda::Function')
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
    if (type === 'AWS::Logs::LogGroup')
      return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
    if (type === 'AWS::SNS::Topic') return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
    return `arn:aws:${type}:${REGION}:${ACCOUNT}:${name}`;
  }

  /** Resolve intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) anywhere in a value. */
  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const fn = keys[0]!;
      const arg = value[fn]!;
      if (fn === 'Ref') return PSEUDO[arg as string] ?? this.nameOf(arg as string);
      if (fn === 'Fn::GetAtt') return this.#getAtt(arg);
      if (fn === 'Fn::Join') {
        const [sep, parts] = arg as [string, Json[]];
        return (this.resolve(parts) as Json[]).map((p) => this.string(p)).join(sep);
      }
      if (fn === 'Fn::Sub') return this.#sub(arg);
      if (fn === 'Fn::Select') {
        const [index, list] = arg as [number, Json];
        return (this.resolve(list) as Json[])[Number(index)] ?? '';
      }
      if (fn === 'Fn::Split') {
        const [sep, source] = arg as [string, Json];
        return this.string(source).split(sep);
      }
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(value[k]!)]));
  }

  #getAtt(arg: Json): string {
    const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
    if (attr === 'Arn') return this.#arn(id!);
    return this.nameOf(id!);
  }

  #sub(arg: Json): string {
    const [text, vars] = Array.isArray(arg)
      ? [arg[0] as string, (arg[1] ?? {}) as Record<string, Json>]
      : [arg as string, {}];
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (vars[name] !== undefined) return this.string(vars[name]!);
      if (PSEUDO[name] !== undefined) return PSEUDO[name]!;
      const [id, attr] = name.split('.');
      return attr ? this.#getAtt([id!, attr]) : this.nameOf(id!);
    });
  }

  /** Resolve and turn into a string (objects as JSON). */
  string(value: Json): string {
    const v = this.resolve(value);
    return typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
  }

  /** Resources of one type, resolved. */
  resources(type: string): Array<{ id: string; properties: Record<string, Json> }> {
    return Object.entries(this.#template.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({
        id,
        properties: this.resolve(r.Properties ?? {}) as Record<string, Json>,
      }));
  }
}

// A DynamoDB model for the bench: the few operations the state store makes (UpdateItem, GetItem), evaluated in
// memory, so concurrent calls are answered concurrently as DynamoDB answers them — dynalite handles them one at
// a time (1.5–3 ms each on the bench machine), which puts its own queue into every batch's figure. The
// counting proxy answers from it in "model" mode (`setModel`), after its latency. The tests and the soak keep
// dynalite: this model serves timing, not correctness.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/** What the proxy sends back: a status and a DynamoDB JSON body. */
export interface ModelAnswer {
  status: number;
  body: Record<string, unknown>;
}

interface Input {
  TableName?: string;
  Key?: Item;
  UpdateExpression?: string;
  ConditionExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  ReturnValues?: string;
  ReturnValuesOnConditionCheckFailure?: string;
}

/**
 * The tables' items in memory; `answer` plays one DynamoDB operation (JSON protocol 1.0).
 *
 * @example
 * const model = new DynamoModel();
 * const { status, body } = model.answer('UpdateItem', input);
 */
export class DynamoModel {
  readonly #items = new Map<string, Item>();

  answer(operation: string, input: Input): ModelAnswer {
    try {
      if (operation === 'GetItem') return this.#get(input);
      if (operation === 'UpdateItem') return this.#update(input);
      return error('UnknownOperationException', `not modelled: ${operation}`);
    } catch (caught) {
      return error('ValidationException', caught instanceof Error ? caught.message : String(caught));
    }
  }

  #get(input: Input): ModelAnswer {
    const item = this.#items.get(keyOf(input));
    if (item === undefined) return { status: 200, body: {} };
    if (input.ProjectionExpression === undefined) return { status: 200, body: { Item: item } };
    const names = input.ExpressionAttributeNames ?? {};
    const kept: Item = {};
    for (const raw of input.ProjectionExpression.split(',')) {
      const name = resolveName(raw.trim(), names);
      if (item[name] !== undefined) kept[name] = item[name]!;
    }
    return { status: 200, body: { Item: kept } };
  }

  #update(input: Input): ModelAnswer {
    const key = keyOf(input);
    const old = this.#items.get(key);
    const scope: Scope = {
      item: old ?? {},
      names: input.ExpressionAttributeNames ?? {},
      values: input.ExpressionAttributeValues ?? {},
    };
    if (input.ConditionExpression !== undefined && !condition(new Tokens(input.ConditionExpression), scope)) {
      const body: Record<string, unknown> = {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
      };
      if (input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old !== undefined) body.Item = old;
      return { status: 400, body };
    }
    const next: Item = { ...(old ?? {}), ...input.Key };
    applyUpdate(input.UpdateExpression ?? '', { ...scope, item: next });
    this.#items.set(key, next);
    if (input.ReturnValues === 'ALL_OLD') return { status: 200, body: old ? { Attributes: old } : {} };
    if (input.ReturnValues === 'ALL_NEW') return { status: 200, body: { Attributes: next } };
    return { status: 200, body: {} };
  }
}

interface Scope {
  item: Item;
  names: Record<string, string>;
  values: Item;
}

const error = (type: string, message: string): ModelAnswer => ({
  status: 400,
  body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message },
});

function keyOf(input: Input): string {
  return `${input.TableName}\u0000${JSON.stringify(input.Key ?? {})}`;
}

function resolveName(token: string, names: Record<string, string>): string {
  if (!token.startsWith('#')) return token;
  const name = names[token];
  if (name === undefined) throw new Error(`unknown name ${token}`);
  return name;
}

/** The expression's tokens: names, `#names`, `:values`, punctuation and comparators. */
class Tokens {
  readonly #list: string[];
  #at = 0;

  constructor(text: string) {
    this.#list = text.match(/<>|<=|>=|[()=<>,+]|[#:]?[A-Za-z0-9_]+/g) ?? [];
  }

  peek(): string | undefined {
    return this.#list[this.#at];
  }

  next(): string {
    const token = this.#list[this.#at++];
    if (token === undefined) throw new Error('expression ends too early');
    return token;
  }

  expect(token: string): void {
    const got = this.next();
    if (got !== token) throw new Error(`expected ${token}, got ${got}`);
  }

  isKeyword(word: string): boolean {
    return this.peek()?.toUpperCase() === word;
  }
}

// condition := and (OR and)* ; and := not (AND not)* ; not := NOT not | primary
function condition(tokens: Tokens, scope: Scope): boolean {
  let value = conjunction(tokens, scope);
  while (tokens.isKeyword('OR')) {
    tokens.next();
    const right = conjunction(tokens, scope);
    value = value || right;
  }
  return value;
}

function conjunction(tokens: Tokens, scope: Scope): boolean {
  let value = negation(tokens, scope);
  while (tokens.isKeyword('AND')) {
    tokens.next();
    const right = negation(tokens, scope);
    value = value && right;
  }
  return value;
}

function negation(tokens: Tokens, scope: Scope): boolean {
  if (tokens.isKeyword('NOT')) {
    tokens.next();
    return !negation(tokens, scope);
  }
  return primary(tokens, scope);
}

function primary(tokens: Tokens, scope: Scope): boolean {
  const token = tokens.next();
  if (token === '(') {
    const value = condition(tokens, scope);
    tokens.expect(')');
    return value;
  }
  if (token === 'attribute_exists' || token === 'attribute_not_exists') {
    tokens.expect('(');
    const exists = scope.item[resolveName(tokens.next(), scope.names)] !== undefined;
    tokens.expect(')');
    return token === 'attribute_exists' ? exists : !exists;
  }
  if (token === 'contains') {
    tokens.expect('(');
    const haystack = scope.item[resolveName(tokens.next(), scope.names)];
    tokens.expect(',');
    const needle = operand(tokens.next(), scope);
    tokens.expect(')');
    if (haystack?.S !== undefined && needle?.S !== undefined) return haystack.S.includes(needle.S);
    if (haystack?.SS !== undefined && needle?.S !== undefined) return haystack.SS.includes(needle.S);
    return false;
  }
  const left = operand(token, scope);
  const comparator = tokens.next();
  const right = operand(tokens.next(), scope);
  return compare(left, comparator, right);
}

function operand(token: string, scope: Scope): AttributeValue | undefined {
  if (token.startsWith(':')) {
    const value = scope.values[token];
    if (value === undefined) throw new Error(`unknown value ${token}`);
    return value;
  }
  return scope.item[resolveName(token, scope.names)];
}

function compare(
  left: AttributeValue | undefined,
  comparator: string,
  right: AttributeValue | undefined,
): boolean {
  // A missing attribute compares false, whatever the comparator.
  if (left === undefined || right === undefined) return false;
  const order =
    left.N !== undefined && right.N !== undefined
      ? Math.sign(Number(left.N) - Number(right.N))
      : left.S !== undefined && right.S !== undefined
        ? left.S < right.S
          ? -1
          : left.S > right.S
            ? 1
            : 0
        : JSON.stringify(left) === JSON.stringify(right)
          ? 0
          : Number.NaN;
  switch (comparator) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      throw new Error(`unknown comparator ${comparator}`);
  }
}

// update := (SET action (, action)* | REMOVE path (, path)*)+ ; action := path = value | path = if_not_exists(path, value)
function applyUpdate(expression: string, scope: Scope): void {
  const tokens = new Tokens(expression);
  while (tokens.peek() !== undefined) {
    const clause = tokens.next().toUpperCase();
    if (clause === 'SET') {
      do {
        const target = resolveName(tokens.next(), scope.names);
        tokens.expect('=');
        let value: AttributeValue | undefined;
        const first = tokens.next();
        if (first === 'if_not_exists') {
          tokens.expect('(');
          const existing = scope.item[resolveName(tokens.next(), scope.names)];
          tokens.expect(',');
          const fallback = operand(tokens.next(), scope);
          tokens.expect(')');
          value = existing ?? fallback;
        } else value = operand(first, scope);
        if (value === undefined) throw new Error(`no value for ${target}`);
        scope.item[target] = value;
      } while (tokens.peek() === ',' && tokens.next() === ',');
    } else if (clause === 'REMOVE') {
      do delete scope.item[resolveName(tokens.next(), scope.names)];
      while (tokens.peek() === ',' && tokens.next() === ',');
    } else throw new Error(`unknown clause ${clause}`);
  }
}

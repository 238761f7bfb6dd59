'use strict';
// node:assert — the common assertions.

class AssertionError extends Error {
  constructor(options) {
    super(options.message);
    this.name = 'AssertionError';
    this.generatedMessage = !options.userMessage;
    this.code = 'ERR_ASSERTION';
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator;
  }
}

function fail(actual, expected, message, operator, generated) {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: message !== undefined ? message : generated, userMessage: message !== undefined, actual, expected, operator });
}

function isDeep(a, b, strict) {
  if (strict ? Object.is(a, b) : a == b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!isDeep(a[k], b[k], strict)) return false;
  }
  return true;
}

function ok(value, message) {
  if (!value) fail(value, true, message, '==', 'The expression evaluated to a falsy value:\n\n  assert.ok(' + String(value) + ')\n');
}

const assert = function assert(value, message) { ok(value, message); };
assert.ok = ok;
assert.AssertionError = AssertionError;
assert.fail = function (message) { fail(undefined, undefined, message === undefined ? 'Failed' : message, 'fail', 'Failed'); };
assert.equal = function equal(a, b, message) { if (!(a == b)) fail(a, b, message, '==', `${a} == ${b}`); };
assert.notEqual = function notEqual(a, b, message) { if (a == b) fail(a, b, message, '!=', `${a} != ${b}`); };
assert.strictEqual = function strictEqual(a, b, message) {
  if (!Object.is(a, b)) fail(a, b, message, 'strictEqual', 'Expected values to be strictly equal:\n\n' + String(a) + ' !== ' + String(b) + '\n');
};
assert.notStrictEqual = function notStrictEqual(a, b, message) {
  if (Object.is(a, b)) fail(a, b, message, 'notStrictEqual', 'Expected "actual" to be strictly unequal to: ' + String(b));
};
assert.deepEqual = function deepEqual(a, b, message) { if (!isDeep(a, b, false)) fail(a, b, message, 'deepEqual', 'Expected values to be loosely deep-equal'); };
assert.deepStrictEqual = function deepStrictEqual(a, b, message) { if (!isDeep(a, b, true)) fail(a, b, message, 'deepStrictEqual', 'Expected values to be strictly deep-equal'); };
assert.notDeepStrictEqual = function notDeepStrictEqual(a, b, message) { if (isDeep(a, b, true)) fail(a, b, message, 'notDeepStrictEqual', 'Expected "actual" not to be strictly deep-equal to: ' + String(b)); };
assert.throws = function throws(fn, expected, message) {
  try { fn(); } catch (e) { return; }
  fail(undefined, expected, typeof expected === 'string' ? expected : message, 'throws', 'Missing expected exception.');
};
assert.doesNotThrow = function doesNotThrow(fn) { fn(); };
assert.rejects = async function rejects(p) {
  try { await (typeof p === 'function' ? p() : p); } catch (e) { return; }
  fail(undefined, undefined, undefined, 'rejects', 'Missing expected rejection.');
};
assert.match = function match(s, re, message) { if (!re.test(s)) fail(s, re, message, 'match', 'The input did not match the regular expression ' + String(re) + '. Input:\n\n' + JSON.stringify(s) + '\n'); };
assert.strict = assert;

module.exports = assert;

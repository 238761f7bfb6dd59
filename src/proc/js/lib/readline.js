'use strict';
// node:readline — line input from process.stdin (Dockling hands whole lines to `_onLines`).

const EventEmitter = require('events');
const host = require('dockling:host');

class Interface extends EventEmitter {
  constructor(input, output, completer, terminal) {
    super();
    let opts = input;
    if (!(input && input.input !== undefined)) opts = { input, output, completer, terminal };
    this.input = opts.input;
    this.output = opts.output;
    this.terminal = opts.terminal === undefined ? !!(this.output && this.output.isTTY) : !!opts.terminal;
    this._prompt = opts.prompt === undefined ? '> ' : String(opts.prompt);
    this._questions = [];
    this.closed = false;
    this.line = '';
    this.history = [];
    host.stdinRegister(this);
  }
  _onLines(lines) {
    for (const line of lines) {
      if (this.closed) return;
      const q = this._questions.shift();
      if (q) q(line);
      else this.emit('line', line);
    }
  }
  _onClose() {
    this.close();
  }
  setPrompt(p) { this._prompt = String(p); }
  getPrompt() { return this._prompt; }
  prompt() {
    if (this.closed) throw closedError();
    if (this.output) this.output.write(this._prompt);
  }
  question(query, opts, cb) {
    if (typeof opts === 'function') cb = opts;
    if (this.closed) throw closedError();
    if (this.output) this.output.write(String(query));
    this._questions.push(cb);
  }
  write(data) {
    if (this.output && typeof data === 'string') this.output.write(data);
  }
  pause() { host.stdinPause(true); this.emit('pause'); return this; }
  resume() { host.stdinPause(false); this.emit('resume'); return this; }
  close() {
    if (this.closed) return;
    this.closed = true;
    host.stdinUnregister(this);
    this.emit('close');
  }
  [Symbol.asyncIterator]() {
    // Lines queue up until the loop asks for them; `close` ends the iteration.
    const buffered = [];
    const waiting = [];
    let ended = false;
    this.on('line', (line) => {
      const w = waiting.shift();
      if (w) w({ value: line, done: false });
      else buffered.push(line);
    });
    this.on('close', () => {
      ended = true;
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
    });
    const rl = this;
    return {
      next() {
        if (buffered.length) return Promise.resolve({ value: buffered.shift(), done: false });
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return() {
        rl.close();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }
}

function closedError() {
  const e = new Error('readline was closed');
  e.code = 'ERR_USE_AFTER_CLOSE';
  return e;
}

function createInterface(input, output, completer, terminal) {
  return new Interface(input, output, completer, terminal);
}

class PromisesInterface extends Interface {
  question(query, opts) {
    return new Promise((resolve) => {
      super.question(query, opts, resolve);
    });
  }
}

const promises = {
  Interface: PromisesInterface,
  createInterface(input, output, completer, terminal) {
    return new PromisesInterface(input, output, completer, terminal);
  },
};

module.exports = {
  Interface,
  createInterface,
  clearLine() { return true; },
  clearScreenDown() { return true; },
  cursorTo() { return true; },
  moveCursor() { return true; },
  emitKeypressEvents() {},
  promises,
};

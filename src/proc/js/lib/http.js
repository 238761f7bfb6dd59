'use strict';
// node:http — servers only. Requests arrive from Dockling through `Server#_dispatch`; the
// response's head is built as lib/_http_outgoing.js builds it (user headers in order, then
// Date, Connection, Keep-Alive, Content-Length or Transfer-Encoding).

const EventEmitter = require('events');
const host = require('dockling:host');

const STATUS_CODES = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Payload Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed',
  418: "I'm a Teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked',
  424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required', 428: 'Precondition Required',
  429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 505: 'HTTP Version Not Supported', 506: 'Variant Also Negotiates',
  507: 'Insufficient Storage', 508: 'Loop Detected', 509: 'Bandwidth Limit Exceeded', 510: 'Not Extended',
  511: 'Network Authentication Required',
};

const METHODS = ['ACL', 'BIND', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LINK', 'LOCK',
  'M-SEARCH', 'MERGE', 'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH', 'POST',
  'PROPFIND', 'PROPPATCH', 'PURGE', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE',
  'TRACE', 'UNBIND', 'UNLINK', 'UNLOCK', 'UNSUBSCRIBE'];

class IncomingMessage extends EventEmitter {
  constructor(method, url, rawHeaders, peer) {
    super();
    this.httpVersionMajor = 1;
    this.httpVersionMinor = 1;
    this.httpVersion = '1.1';
    this.complete = false;
    this.rawHeaders = [];
    this.headers = {};
    for (const [k, v] of rawHeaders) {
      this.rawHeaders.push(k, v);
      const lk = k.toLowerCase();
      if (this.headers[lk] === undefined) this.headers[lk] = v;
      else if (lk === 'set-cookie') this.headers[lk] = [].concat(this.headers[lk], v);
      else if (lk !== 'host' && lk !== 'content-type' && lk !== 'content-length' && lk !== 'user-agent') this.headers[lk] += ', ' + v;
    }
    this.method = method;
    this.url = url;
    this.statusCode = null;
    this.statusMessage = null;
    this.socket = { remoteAddress: peer, remotePort: 54321, remoteFamily: 'IPv6', localPort: 0, encrypted: undefined };
    this.connection = this.socket;
    this.readable = true;
    this._encoding = undefined;
  }
  setEncoding(enc) { this._encoding = enc; return this; }
  pause() { return this; }
  resume() { return this; }
  setTimeout() { return this; }
  pipe(dest) {
    this.on('data', (d) => dest.write(d));
    this.on('end', () => { if (dest.end) dest.end(); });
    return dest;
  }
}

class ServerResponse extends EventEmitter {
  constructor(req, server) {
    super();
    this.req = req;
    this.statusCode = 200;
    this.statusMessage = undefined;
    this.sendDate = true;
    this.headersSent = false;
    this.finished = false;
    this.writableEnded = false;
    this.writableFinished = false;
    this._names = [];
    this._values = {};
    this._chunks = [];
    this._headerList = null;
    this._statusLine = '';
    this._keepAlive = (req.headers.connection || '').toLowerCase() !== 'close';
    this._server = server;
    this.locals = undefined;
  }
  setHeader(name, value) {
    if (this.headersSent) {
      const e = new Error('Cannot set headers after they are sent to the client');
      e.code = 'ERR_HTTP_HEADERS_SENT';
      throw e;
    }
    if (value === undefined) {
      const e = new TypeError('Invalid value "undefined" for header "' + name + '"');
      e.code = 'ERR_HTTP_INVALID_HEADER_VALUE';
      throw e;
    }
    const key = String(name).toLowerCase();
    if (!(key in this._values)) this._names.push(String(name));
    else this._names[this._names.findIndex((n) => n.toLowerCase() === key)] = String(name);
    this._values[key] = value;
    return this;
  }
  appendHeader(name, value) {
    const prev = this.getHeader(name);
    if (prev === undefined) return this.setHeader(name, value);
    return this.setHeader(name, [].concat(prev, value));
  }
  getHeader(name) { return this._values[String(name).toLowerCase()]; }
  getHeaders() {
    const out = Object.create(null);
    for (const n of this._names) out[n.toLowerCase()] = this._values[n.toLowerCase()];
    return out;
  }
  getHeaderNames() { return this._names.map((n) => n.toLowerCase()); }
  hasHeader(name) { return String(name).toLowerCase() in this._values; }
  removeHeader(name) {
    const key = String(name).toLowerCase();
    if (!(key in this._values)) return;
    delete this._values[key];
    this._names = this._names.filter((n) => n.toLowerCase() !== key);
  }
  writeHead(code, reason, headers) {
    if (typeof reason !== 'string') { headers = reason; reason = undefined; }
    this.statusCode = code;
    if (reason !== undefined) this.statusMessage = reason;
    if (headers) {
      if (Array.isArray(headers)) {
        for (let i = 0; i < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
      } else {
        for (const k of Object.keys(headers)) this.setHeader(k, headers[k]);
      }
    }
    // The head is written now, so a body sent later goes chunked.
    this._head(undefined);
    return this;
  }
  _head(contentLength) {
    if (this._headerList) return;
    const list = [];
    for (const n of this._names) {
      const v = this._values[n.toLowerCase()];
      if (Array.isArray(v)) for (const x of v) list.push([n, String(x)]);
      else list.push([n, String(v)]);
    }
    const has = (k) => k in this._values;
    if (this.sendDate && !has('date')) list.push(['Date', new Date().toUTCString()]);
    if (!has('connection')) {
      if (this._keepAlive) {
        list.push(['Connection', 'keep-alive']);
        list.push(['Keep-Alive', 'timeout=' + Math.floor(this._server.keepAliveTimeout / 1000)]);
      } else {
        list.push(['Connection', 'close']);
      }
    }
    const noBody = this.req.method === 'HEAD' || this.statusCode === 204 || this.statusCode === 304 || (this.statusCode >= 100 && this.statusCode < 200);
    if (!has('content-length') && !has('transfer-encoding') && !noBody) {
      if (contentLength !== undefined) list.push(['Content-Length', String(contentLength)]);
      else list.push(['Transfer-Encoding', 'chunked']);
    }
    this._headerList = list;
    this._statusLine = this.statusMessage || STATUS_CODES[this.statusCode] || 'unknown';
    this.headersSent = true;
  }
  write(chunk, encoding, cb) {
    if (this.writableEnded) {
      const e = new Error('write after end');
      e.code = 'ERR_STREAM_WRITE_AFTER_END';
      this.emit('error', e);
      return false;
    }
    if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
    this._head(undefined);
    if (chunk !== undefined && chunk !== null && this.req.method !== 'HEAD') this._chunks.push(chunk);
    if (typeof cb === 'function') process.nextTick(cb);
    return true;
  }
  end(chunk, encoding, cb) {
    if (typeof chunk === 'function') { cb = chunk; chunk = undefined; }
    if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
    if (this.writableEnded) return this;
    if (!this._headerList) {
      const len = chunk === undefined || chunk === null ? 0 : host.byteLength(chunk);
      this._head(len);
    }
    if (chunk !== undefined && chunk !== null && this.req.method !== 'HEAD') this._chunks.push(chunk);
    this.finished = true;
    this.writableEnded = true;
    process.nextTick(() => {
      this.writableFinished = true;
      this.emit('finish');
      this.emit('close');
      if (typeof cb === 'function') cb();
    });
    return this;
  }
  flushHeaders() { this._head(undefined); }
  setTimeout() { return this; }
  get headersSentFlag() { return this.headersSent; }
}

class Server extends EventEmitter {
  constructor(options, requestListener) {
    super();
    if (typeof options === 'function') { requestListener = options; options = {}; }
    if (requestListener) this.on('request', requestListener);
    this.keepAliveTimeout = 5000;
    this.headersTimeout = 60000;
    this.requestTimeout = 300000;
    this.timeout = 0;
    this.listening = false;
    this._address = null;
  }
  listen(...args) {
    let port = 0;
    let hostname;
    let cb;
    for (const a of args) {
      if (typeof a === 'function') cb = a;
      else if (typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a))) port = Number(a);
      else if (typeof a === 'string' && port === 0 && hostname === undefined && a !== '') hostname = a;
      else if (typeof a === 'string') hostname = a;
      else if (a && typeof a === 'object') { if (a.port !== undefined) port = Number(a.port); if (a.host) hostname = a.host; }
    }
    if (cb) this.once('listening', cb);
    let actual;
    try {
      actual = host.listen(this, port, hostname === 'localhost' ? '127.0.0.1' : (hostname || '::'));
    } catch (e) {
      process.nextTick(() => this.emit('error', e));
      return this;
    }
    this.listening = true;
    const h = hostname === 'localhost' ? '127.0.0.1' : (hostname || '::');
    this._address = { address: h, family: h.includes(':') ? 'IPv6' : 'IPv4', port: actual };
    process.nextTick(() => this.emit('listening'));
    return this;
  }
  address() { return this._address; }
  close(cb) {
    host.close(this);
    this.listening = false;
    process.nextTick(() => { this.emit('close'); if (cb) cb(); });
    return this;
  }
  setTimeout() { return this; }
  closeAllConnections() {}
  closeIdleConnections() {}
  ref() { return this; }
  unref() { return this; }
  _dispatch(method, url, headers, body, peer) {
    const req = new IncomingMessage(method, url, headers, peer);
    const res = new ServerResponse(req, this);
    this.emit('request', req, res);
    // As node's streams do: 'data' from resume_ → flow → read, 'end' from endReadableNT,
    // each on a tick with two arguments.
    if (body.length > 0) process.nextTick(resume_, req, body);
    process.nextTick(endReadableNT, req, null);
    return res;
  }
}

function labelled(fn, name, key) {
  fn['%frame'] = name + ' (' + host.nodeFrame(key) + ')';
  return fn;
}
const emitFrame = labelled(function emit(req, ev, arg) {
  return arg === undefined ? req.emit(ev) : req.emit(ev, arg);
}, 'IncomingMessage.emit', 'emit');
const read = labelled(function read(req, body) {
  emitFrame(req, 'data', req._encoding ? body.toString(req._encoding) : body);
}, 'Readable.read', 'read');
const flow = labelled(function flow(req, body) { read(req, body); }, 'flow', 'flow');
const resume_ = labelled(function resume_(req, body) { flow(req, body); }, 'resume_', 'resume_');
const endReadableNT = labelled(function endReadableNT(req) {
  req.complete = true;
  req.readable = false;
  emitFrame(req, 'end');
}, 'endReadableNT', 'endReadableNT');

function createServer(options, listener) {
  return new Server(options, listener);
}

function notSimulated(name) {
  return function () {
    host.fatal('http.' + name + ' (outgoing requests) is not simulated');
  };
}

module.exports = {
  STATUS_CODES,
  METHODS,
  Server,
  IncomingMessage,
  ServerResponse,
  createServer,
  request: notSimulated('request'),
  get: notSimulated('get'),
  Agent: function Agent() {},
  globalAgent: {},
  maxHeaderSize: 16384,
};

'use strict';
// express — a simulated Express 4.21 / 5.1 for Dockling. The router mirrors Express 4's call
// chain (Layer#handle_request → Route#dispatch → next → Router#process_params…) so error
// stacks show the same frames; responses carry Express's headers (X-Powered-By, Content-Type
// with charset, Content-Length, a weak ETag from a SHA-1 of the body) and finalhandler's 404 and
// 500 pages.

const http = require('http');
const path = require('path');
const host = require('dockling:host');

const VERSION = host.packageVersion('express') || '4.21.2';
const V5 = Number(VERSION.split('.')[0]) >= 5;
const ROOT = host.expressRoot || '/app/node_modules/express';

function frame(fn, label) {
  fn['%frame'] = label.replace('%ROOT%', ROOT);
  return fn;
}

// ---- mime types (the common ones) ----
const MIME = {
  // Express 4 looks types up with mime 1.x, Express 5 with mime-types 3 (js is text/javascript).
  html: 'text/html', htm: 'text/html', css: 'text/css', js: V5 ? 'text/javascript' : 'application/javascript', mjs: V5 ? 'text/javascript' : 'application/javascript',
  json: 'application/json', txt: 'text/plain', text: 'text/plain', md: 'text/markdown', xml: 'application/xml', csv: 'text/csv',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', ico: 'image/x-icon',
  webp: 'image/webp', pdf: 'application/pdf', zip: 'application/zip', woff: 'font/woff', woff2: 'font/woff2',
  ttf: 'font/ttf', mp3: 'audio/mpeg', mp4: 'video/mp4', wasm: 'application/wasm', map: 'application/json',
};
const CHARSET = { 'text/': true, 'text/javascript': true, 'application/javascript': true, 'application/json': true, 'application/xml': true };

function lookup(file) {
  const ext = path.extname(file).slice(1).toLowerCase();
  return MIME[ext] || 'application/octet-stream';
}

function contentType(type, upperUtf8) {
  if (type.indexOf('/') < 0) type = MIME[type] || type;
  if (type.indexOf('charset') >= 0) return type;
  const needs = type.startsWith('text/') || CHARSET[type];
  return needs ? type + '; charset=' + (upperUtf8 ? 'UTF-8' : 'utf-8') : type;
}

function escapeHtml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// ---- finalhandler ----
function htmlDocument(message, title) {
  const body = title ? message : escapeHtml(message).replace(/\n/g, '<br>').replace(/\x20{2}/g, ' &nbsp;');
  return '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>' + (title || 'Error') + '</title>\n</head>\n<body>\n<pre>' + body + '</pre>\n</body>\n</html>\n';
}

// The ms module: '1d', '2h', '500ms', '10s' or a number of milliseconds.
function ms(v) {
  if (typeof v === 'number') return v;
  const m = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(String(v));
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  const u = (m[2] || 'ms').toLowerCase();
  const f = u[0] === 'y' ? 31557600000 : u[0] === 'w' ? 604800000 : u[0] === 'd' ? 86400000 : u[0] === 'h' ? 3600000 : u === 'm' || u.startsWith('min') ? 60000 : u[0] === 's' ? 1000 : 1;
  return n * f;
}

function finalhandler(req, res, env, onerror) {
  return function (err) {
    let status;
    let msg;
    if (err) {
      status = err.status || err.statusCode;
      if (typeof status !== 'number' || status < 400 || status > 599) status = 500;
      msg = env === 'production' ? (http.STATUS_CODES[status] || String(status)) : (err.stack || String(err));
      if (onerror) onerror(err);
    } else {
      status = 404;
      msg = 'Cannot ' + req.method + ' ' + encodeURI(req.originalUrl.split('?')[0]).replace(/%25/g, '%');
    }
    if (res.headersSent) return;
    const body = htmlDocument(msg);
    res.statusCode = status;
    res.statusMessage = http.STATUS_CODES[status];
    res.removeHeader('Content-Encoding');
    res.removeHeader('Content-Language');
    res.removeHeader('Content-Range');
    if (err && err.headers) for (const k of Object.keys(err.headers)) res.setHeader(k, err.headers[k]);
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', host.byteLength(body));
    if (req.method === 'HEAD') res.end();
    else res.end(body, 'utf8');
  };
}

// ---- paths (path-to-regexp 0.1.x for 4.x, 8.x for 5.x), without regular expressions ----
function compilePath(pattern, end, strict) {
  if (pattern instanceof RegExp) return { regexp: pattern, keys: [] };
  if (Array.isArray(pattern)) {
    const parts = pattern.map((p) => compilePath(p, end, strict));
    return { any: parts, keys: [] };
  }
  const segs = [];
  let s = String(pattern);
  if (!strict && s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  let i = 0;
  let lit = '';
  const keys = [];
  while (i < s.length) {
    const c = s[i];
    if (c === ':' ) {
      if (lit) { segs.push({ lit }); lit = ''; }
      let name = '';
      i++;
      while (i < s.length && /[A-Za-z0-9_$]/.test(s[i])) { name += s[i]; i++; }
      // Express 4: a custom pattern, `:id(\\d+)`.
      let re;
      if (!V5 && s[i] === '(') {
        let depth = 0;
        let j = i;
        for (; j < s.length; j++) {
          if (s[j] === '\\') { j++; continue; }
          if (s[j] === '(') depth++;
          else if (s[j] === ')' && --depth === 0) break;
        }
        re = new RegExp('^(?:' + s.slice(i + 1, j) + ')$', 'i');
        i = j + 1;
      }
      let optional = false;
      if (!V5 && s[i] === '?') { optional = true; i++; }
      keys.push({ name, optional });
      segs.push({ param: name, optional, re });
      continue;
    }
    if (c === '*' ) {
      if (lit) { segs.push({ lit }); lit = ''; }
      let name = V5 ? '' : String(keys.length);
      i++;
      if (V5) { while (i < s.length && /[A-Za-z0-9_$]/.test(s[i])) { name += s[i]; i++; } }
      if (V5 && !name) {
        const e = new TypeError('Missing parameter name at ' + (i) + ': https://git.new/pathToRegexpError');
        throw e;
      }
      keys.push({ name, star: true });
      segs.push({ star: name });
      continue;
    }
    if (V5 && c === '{') {
      const close = s.indexOf('}', i);
      const inner = compilePath(s.slice(i + 1, close), true, true);
      if (lit) { segs.push({ lit }); lit = ''; }
      segs.push({ group: inner });
      for (const k of inner.keys) keys.push(k);
      i = close + 1;
      continue;
    }
    lit += c;
    i++;
  }
  if (lit) segs.push({ lit });
  return { segs, keys, end, strict };
}

function matchSegs(segs, idx, url, pos, params, end, sensitive) {
  if (idx === segs.length) {
    if (!end) {
      if (pos === url.length || url[pos] === '/') return pos;
      if (pos > 0 && url[pos - 1] === '/') return pos;
      return -1;
    }
    if (pos === url.length) return pos;
    if (url.slice(pos) === '/') return url.length;
    return -1;
  }
  const seg = segs[idx];
  if (seg.lit !== undefined) {
    const part = url.slice(pos, pos + seg.lit.length);
    const eq = sensitive ? part === seg.lit : part.toLowerCase() === seg.lit.toLowerCase();
    if (!eq) {
      // An optional param after a slash: "/users/:id?" matches "/users".
      const next = segs[idx + 1];
      if (next && next.optional && seg.lit.endsWith('/') && url.slice(pos) === seg.lit.slice(0, -1)) {
        return matchSegs(segs, idx + 2, url, pos + seg.lit.length - 1, params, end, sensitive);
      }
      return -1;
    }
    return matchSegs(segs, idx + 1, url, pos + seg.lit.length, params, end, sensitive);
  }
  if (seg.param !== undefined) {
    let j = pos;
    while (j < url.length && (seg.re || url[j] !== '/')) j++;
    // Longest first, then shorter (for "/:from-:to").
    for (let k = j; k > pos; k--) {
      if (seg.re && !seg.re.test(url.slice(pos, k))) continue;
      const r = matchSegs(segs, idx + 1, url, k, params, end, sensitive);
      if (r >= 0) {
        params[seg.param] = url.slice(pos, k);
        return r;
      }
    }
    if (seg.optional) return matchSegs(segs, idx + 1, url, pos, params, end, sensitive);
    return -1;
  }
  if (seg.star !== undefined) {
    for (let k = url.length; k >= pos; k--) {
      const r = matchSegs(segs, idx + 1, url, k, params, end, sensitive);
      if (r >= 0) {
        const v = url.slice(pos, k);
        params[seg.star] = V5 ? v.split('/') : v;
        return r;
      }
    }
    return -1;
  }
  if (seg.group !== undefined) {
    const sub = {};
    const inner = seg.group.segs.concat(segs.slice(idx + 1));
    const r = matchSegs(inner, 0, url, pos, sub, end, sensitive);
    if (r >= 0) { Object.assign(params, sub); return r; }
    return matchSegs(segs, idx + 1, url, pos, params, end, sensitive);
  }
  return -1;
}

function decodeParam(v) {
  if (typeof v !== 'string' || v.length === 0) return v;
  try {
    return decodeURIComponent(v);
  } catch (e) {
    const err = new URIError("Failed to decode param '" + v + "'");
    err.status = err.statusCode = 400;
    throw err;
  }
}

// ---- Layer ----
function Layer(pathSpec, options, fn) {
  this.handle = fn;
  this.name = fn.name || '<anonymous>';
  this.params = undefined;
  this.path = undefined;
  this.opts = options;
  this.route = undefined;
  this.keys = [];
  this._m = compilePath(pathSpec, options.end, options.strict);
  this.slash = pathSpec === '/' && options.end === false;
}

Layer.prototype.match = function match(p) {
  if (this.slash) { this.params = {}; this.path = ''; return true; }
  const m = this._m;
  if (m.any) {
    for (const part of m.any) {
      const l = Object.create(Layer.prototype);
      l._m = part; l.opts = this.opts; l.slash = false;
      if (l.match(p)) { this.params = l.params; this.path = l.path; return true; }
    }
    return false;
  }
  if (m.regexp) {
    const r = m.regexp.exec(p);
    if (!r) return false;
    this.params = {};
    for (let i = 1; i < r.length; i++) this.params[i - 1] = decodeParam(r[i]);
    this.path = r[0];
    return true;
  }
  const params = {};
  const end = matchSegs(m.segs, 0, p, 0, params, m.end, this.opts.sensitive);
  if (end < 0) return false;
  for (const k of Object.keys(params)) params[k] = Array.isArray(params[k]) ? params[k].map(decodeParam) : decodeParam(params[k]);
  this.params = params;
  this.path = p.slice(0, end);
  return true;
};

// Stack-trace text of each call site in the real router (Express 4's lib/router, the router
// package 2.x under Express 5): `site(S.x)` before a call makes this frame show as S.x.
const site = host.site;
const RT = V5 ? ROOT.replace(/express$/, 'router') : ROOT + '/lib/router';
const LIB = V5 ? RT + '/lib' : RT;
const S = (function sites() {
  const IX = RT + '/index.js', RO = LIB + '/route.js', LA = LIB + '/layer.js';
  const t = V5 ? {
    router: ['router', IX, '61:12'], handle: ['Function.handle', IX, '187:3'],
    nextDone: ['next', IX, '290:14'], nextParams: ['next', IX, '305:5'],
    cbErr: ['', IX, '307:9'], cbRoute: ['', IX, '309:15'], cbTrim: ['', IX, '311:9'],
    trimNext1: ['trimPrefix', IX, '322:9'], trimNext2: ['trimPrefix', IX, '329:9'], trimErr: ['trimPrefix', IX, '354:13'], trimReq: ['trimPrefix', IX, '356:13'],
    routeHandle: ['handle', IX, '449:11'],
    ppDone: ['processParams', IX, '619:12'], ppParam: ['processParams', IX, '700:3'],
    paramErr: ['param', IX, '633:14'], paramDone: ['param', IX, '637:14'], paramNext: ['param', IX, '647:14'], paramCalled: ['param', IX, '657:14'], paramCb: ['param', IX, '666:5'],
    cbParamErr: ['paramCallback', IX, '679:7'], cbParamNext: ['paramCallback', IX, '683:21'], cbFn: ['paramCallback', IX, '697:5'], callParam: ['callParam', LIB + '/param.js', '18:17'],
    dispatch: ['Route.dispatch', RO, '123:3'], rdEmpty: ['Route.dispatch', RO, '110:12'],
    rnRoute: ['next', RO, '128:14'], rnRouter: ['next', RO, '133:14'], rnDone: ['next', RO, '138:14'], rnSkip: ['next', RO, '157:14'], rnErr: ['next', RO, '161:13'], rnReq: ['next', RO, '163:13'],
    leSkip: ['Layer.handleError', LA, '112:12'], leFn: ['Layer.handleError', LA, '118:33'], leCatch: ['Layer.handleError', LA, '127:7'],
    lrSkip: ['Layer.handleRequest', LA, '159:12'], lrFn: ['Layer.handleRequest', LA, '169:33'], lrCatch: ['Layer.handleRequest', LA, '178:7'],
    appHandle: ['Function.handle', ROOT + '/lib/application.js', '177:15'], app: ['Server.app', ROOT + '/lib/express.js', '38:9'],
  } : {
    router: ['router', IX, '47:12'], handle: ['Function.handle', IX, '175:3'],
    nextDone: ['next', IX, '265:14'], nextParams: ['next', IX, '280:10'],
    cbErr: ['', IX, '282:9'], cbRoute: ['', IX, '284:15'], cbTrim: ['', IX, '286:9'],
    trimNext1: ['trim_prefix', IX, '297:9'], trimNext2: ['trim_prefix', IX, '303:47'], trimErr: ['trim_prefix', IX, '326:13'], trimReq: ['trim_prefix', IX, '328:13'],
    ppDone: ['Function.process_params', IX, '346:12'], ppParam: ['Function.process_params', IX, '421:3'],
    paramErr: ['param', IX, '361:14'], paramDone: ['param', IX, '365:14'], paramNext: ['param', IX, '376:14'], paramCalled: ['param', IX, '386:14'], paramCb: ['param', IX, '395:5'],
    cbParamErr: ['paramCallback', IX, '408:7'], cbParamNext: ['paramCallback', IX, '412:21'], cbFn: ['paramCallback', IX, '415:7'], cbCatch: ['paramCallback', IX, '417:7'],
    dispatch: ['Route.dispatch', RO, '119:3'], rdEmpty: ['Route.dispatch', RO, '107:12'],
    rnRoute: ['next', RO, '124:14'], rnRouter: ['next', RO, '129:14'], rnDone: ['next', RO, '141:14'], rnSkip: ['next', RO, '145:7'], rnErr: ['next', RO, '147:13'], rnReq: ['next', RO, '149:13'],
    leSkip: ['Layer.handle_error', LA, '67:12'], leFn: ['Layer.handle_error', LA, '71:5'], leCatch: ['Layer.handle_error', LA, '73:5'],
    lrSkip: ['Layer.handle [as handle_request]', LA, '91:12'], lrFn: ['Layer.handle [as handle_request]', LA, '95:5'], lrCatch: ['Layer.handle [as handle_request]', LA, '97:5'],
    appHandle: ['Function.handle', ROOT + '/lib/application.js', '181:10'], app: ['Server.app', ROOT + '/lib/express.js', '39:9'],
    query: ['query', ROOT + '/lib/middleware/query.js', '45:5'], init: ['expressInit', ROOT + '/lib/middleware/init.js', '40:5'],
  };
  const out = {};
  for (const k of Object.keys(t)) {
    const [name, file, pos] = t[k];
    out[k] = name ? name + ' (' + file + ':' + pos + ')' : file + ':' + pos;
  }
  return out;
})();

function isThenable(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
}

Layer.prototype.handle_error = function handle_error(error, req, res, next) {
  const fn = this.handle;
  if (fn.length !== 4) {
    site(S.leSkip);
    return next(error);
  }
  try {
    site(S.leFn);
    const ret = fn(error, req, res, next);
    // Express 5 passes a rejected promise to next(err).
    if (V5 && isThenable(ret)) ret.then(undefined, (e) => next(e || new Error('Rejected promise')));
  } catch (err) {
    site(S.leCatch);
    next(err);
  }
};

Layer.prototype.handle_request = function handle(req, res, next) {
  const fn = this.handle;
  if (fn.length > 3) {
    site(S.lrSkip);
    return next();
  }
  try {
    site(S.lrFn);
    const ret = fn(req, res, next);
    if (V5 && isThenable(ret)) ret.then(undefined, (e) => next(e || new Error('Rejected promise')));
  } catch (err) {
    site(S.lrCatch);
    next(err);
  }
};
Layer.prototype.handleError = Layer.prototype.handle_error;
Layer.prototype.handleRequest = Layer.prototype.handle_request;

// ---- Route ----
function Route(p) {
  this.path = p;
  this.stack = [];
  this.methods = {};
}

Route.prototype._handles_method = function (method) {
  if (this.methods._all) return true;
  let name = method.toLowerCase();
  if (name === 'head' && !this.methods.head) name = 'get';
  return Boolean(this.methods[name]);
};

Route.prototype.dispatch = function dispatch(req, res, done) {
  let idx = 0;
  const stack = this.stack;
  if (stack.length === 0) {
    site(S.rdEmpty);
    return done();
  }
  let method = req.method.toLowerCase();
  if (method === 'head' && !this.methods.head) method = 'get';
  req.route = this;
  const next = function next(err) {
    if (err && err === 'route') {
      site(S.rnRoute);
      return done();
    }
    if (err && err === 'router') {
      site(S.rnRouter);
      return done(err);
    }
    let layer;
    if (V5) {
      if (idx >= stack.length) {
        site(S.rnDone);
        return done(err);
      }
      let match = false;
      while (match !== true && idx < stack.length) {
        layer = stack[idx++];
        match = !layer.method || layer.method === method;
      }
      if (match !== true) {
        site(S.rnSkip);
        return done(err);
      }
    } else {
      layer = stack[idx++];
      if (!layer) {
        site(S.rnDone);
        return done(err);
      }
      if (layer.method && layer.method !== method) {
        site(S.rnSkip);
        return next(err);
      }
    }
    if (err) {
      site(S.rnErr);
      layer.handle_error(err, req, res, next);
    } else {
      site(S.rnReq);
      layer.handle_request(req, res, next);
    }
  };
  site(S.dispatch);
  next();
};

for (const m of http.METHODS.map((x) => x.toLowerCase()).concat('all')) {
  Route.prototype[m] = function (...handlers) {
    const flat = handlers.flat(Infinity);
    for (const h of flat) {
      if (typeof h !== 'function') {
        throw new TypeError('Route.' + m + '() requires a callback function but got a ' + Object.prototype.toString.call(h));
      }
      const layer = new Layer('/', {}, h);
      layer.method = m === 'all' ? undefined : m;
      this.methods[m === 'all' ? '_all' : m] = true;
      this.stack.push(layer);
    }
    return this;
  };
}

// ---- Router ----
function Router(options) {
  const opts = options || {};
  function router(req, res, next) {
    site(S.router);
    router.handle(req, res, next);
  }
  Object.setPrototypeOf(router, proto);
  router.params = {};
  router.caseSensitive = opts.caseSensitive;
  router.mergeParams = opts.mergeParams;
  router.strict = opts.strict;
  router.stack = [];
  return router;
}

const proto = Object.create(Function.prototype);

proto.param = function param(name, fn) {
  (this.params[name] = this.params[name] || []).push(fn);
  return this;
};

proto.handle = function handle(req, res, out) {
  const self = this;
  let idx = 0;
  let removed = '';
  let slashAdded = false;
  const paramcalled = {};
  const parentUrl = req.baseUrl || '';
  const done = restore(out, req, 'baseUrl', 'next', 'params');
  req.next = next;
  req.baseUrl = parentUrl;
  req.originalUrl = req.originalUrl || req.url;
  const parentParams = req.params;

  function next(err) {
    const layerError = err === 'route' ? null : err;
    if (slashAdded) { req.url = req.url.slice(1); slashAdded = false; }
    if (removed.length !== 0) {
      req.baseUrl = parentUrl;
      req.url = removed + req.url;
      removed = '';
    }
    if (layerError === 'router') { setImmediate(done, null); return; }
    if (idx >= self.stack.length) { setImmediate(done, layerError); return; }
    const p = pathOf(req);
    let layer;
    let match;
    let route;
    while (match !== true && idx < self.stack.length) {
      layer = self.stack[idx++];
      match = layer.match(p);
      route = layer.route;
      if (match !== true) continue;
      if (!route) continue;
      if (layerError) { match = false; continue; }
      const method = req.method;
      const has = route._handles_method(method);
      if (!has && method !== 'OPTIONS') match = false;
    }
    if (match !== true) {
      site(S.nextDone);
      return done(layerError);
    }
    if (route) req.route = route;
    req.params = self.mergeParams ? Object.assign({}, parentParams, layer.params) : layer.params;
    const layerPath = layer.path;
    site(S.nextParams);
    self.process_params(layer, paramcalled, req, res, function (err) {
      if (err) {
        site(S.cbErr);
        next(layerError || err);
      } else if (route) {
        site(S.cbRoute);
        layer.handle_request(req, res, next);
      } else {
        site(S.cbTrim);
        trim_prefix(layer, layerError, layerPath, p);
      }
    });
  }

  function trim_prefix(layer, layerError, layerPath, p) {
    if (layerPath.length !== 0) {
      if (layerPath !== p.slice(0, layerPath.length)) {
        site(S.trimNext1);
        next(layerError);
        return;
      }
      const c = p[layerPath.length];
      if (c && c !== '/' && (V5 || c !== '.')) {
        site(S.trimNext2);
        next(layerError);
        return;
      }
      removed = layerPath;
      req.url = req.url.slice(removed.length) || '/';
      if (req.url[0] !== '/') { req.url = '/' + req.url; slashAdded = true; }
      req.baseUrl = parentUrl + (removed[removed.length - 1] === '/' ? removed.slice(0, -1) : removed);
    }
    if (layerError) {
      site(S.trimErr);
      layer.handle_error(layerError, req, res, next);
    } else {
      site(S.trimReq);
      layer.handle_request(req, res, next);
    }
  }

  site(S.handle);
  next();
};

proto.process_params = function process_params(layer, called, req, res, done) {
  const params = this.params;
  const keys = ((layer._m && layer._m.keys) || []).map((k) => k.name);
  if (keys.length === 0) {
    site(S.ppDone);
    return done();
  }
  let i = 0;
  let paramIndex = 0;
  let key;
  let paramVal;
  let paramCallbacks;
  let paramCalled;
  function param(err) {
    if (err) {
      site(S.paramErr);
      return done(err);
    }
    if (i >= keys.length) {
      site(S.paramDone);
      return done();
    }
    paramIndex = 0;
    key = keys[i++];
    paramVal = req.params[key];
    paramCallbacks = params[key];
    paramCalled = called[key];
    if (paramVal === undefined || !paramCallbacks) {
      site(S.paramNext);
      return param();
    }
    if (paramCalled && (paramCalled.match === paramVal || (paramCalled.error && paramCalled.error !== 'route'))) {
      req.params[key] = paramCalled.value;
      site(S.paramCalled);
      return param(paramCalled.error);
    }
    called[key] = paramCalled = { error: null, match: paramVal, value: paramVal };
    site(S.paramCb);
    paramCallback();
  }
  function paramCallback(err) {
    const fn = paramCallbacks[paramIndex++];
    paramCalled.value = req.params[key];
    if (err) {
      paramCalled.error = err;
      site(S.cbParamErr);
      param(err);
      return;
    }
    if (!fn) {
      site(S.cbParamNext);
      return param();
    }
    if (V5) {
      site(S.cbFn);
      callParam(fn, req, res, paramCallback, paramVal, key);
      return;
    }
    try {
      site(S.cbFn);
      fn(req, res, paramCallback, paramVal, key);
    } catch (e) {
      site(S.cbCatch);
      paramCallback(e);
    }
  }
  site(S.ppParam);
  param();
};

function callParam(fn, req, res, next, value, name) {
  try {
    site(S.callParam);
    const ret = fn(req, res, next, value, name);
    if (isThenable(ret)) ret.then(undefined, (e) => next(e || new Error('Rejected promise')));
  } catch (err) {
    next(err);
  }
}

proto.use = function use(fn, ...rest) {
  let offset = 0;
  let p = '/';
  if (typeof fn !== 'function') {
    let arg = fn;
    while (Array.isArray(arg) && arg.length !== 0) arg = arg[0];
    if (typeof arg !== 'function') { offset = 1; p = fn; }
  }
  const callbacks = [fn, ...rest].slice(offset).flat(Infinity);
  if (callbacks.length === 0) throw new TypeError('Router.use() requires a middleware function');
  for (const cb of callbacks) {
    if (typeof cb !== 'function') {
      throw new TypeError('Router.use() requires a middleware function but got a ' + Object.prototype.toString.call(cb).slice(8, -1));
    }
    const layer = new Layer(p, { sensitive: this.caseSensitive, strict: false, end: false }, cb);
    layer.route = undefined;
    this.stack.push(layer);
  }
  return this;
};

proto.route = function route(p) {
  const r = new Route(p);
  const layer = new Layer(p, { sensitive: this.caseSensitive, strict: this.strict, end: true }, function handle(req, res, next) {
    site(S.routeHandle);
    r.dispatch(req, res, next);
  });
  layer.route = r;
  this.stack.push(layer);
  return r;
};

for (const m of http.METHODS.map((x) => x.toLowerCase()).concat('all')) {
  proto[m] = function (p, ...handlers) {
    const r = this.route(p);
    r[m](...handlers);
    return this;
  };
}

function pathOf(req) {
  const u = req.url || '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

function restore(fn, obj, ...props) {
  const vals = props.map((p) => obj[p]);
  return function (...args) {
    props.forEach((p, i) => { obj[p] = vals[i]; });
    return fn.apply(this, args);
  };
}

// ---- query strings (qs "extended" for 4.x, "simple" for 5.x) ----
function parseQuery(str) {
  const out = {};
  if (!str) return out;
  for (const part of str.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    let k = eq < 0 ? part : part.slice(0, eq);
    let v = eq < 0 ? '' : part.slice(eq + 1);
    k = safeDecode(k.replace(/\+/g, ' '));
    v = safeDecode(v.replace(/\+/g, ' '));
    const br = k.indexOf('[');
    if (!V5 && br > 0 && k.endsWith(']')) {
      const base = k.slice(0, br);
      const inner = k.slice(br + 1, -1);
      if (inner === '') {
        out[base] = [].concat(out[base] === undefined ? [] : out[base], v);
      } else {
        if (typeof out[base] !== 'object' || out[base] === null || Array.isArray(out[base])) out[base] = {};
        out[base][inner] = v;
      }
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(out, k)) out[k] = [].concat(out[k], v);
    else out[k] = v;
  }
  return out;
}

function safeDecode(s) {
  try { return decodeURIComponent(s); } catch (e) { return s; }
}

// ---- request / response extensions ----
const request = Object.create(http.IncomingMessage.prototype);

request.get = request.header = function header(name) {
  const lc = String(name).toLowerCase();
  if (lc === 'referer' || lc === 'referrer') return this.headers.referrer || this.headers.referer;
  return this.headers[lc];
};
request.is = function is(type) {
  const ct = (this.headers['content-type'] || '').split(';')[0].trim();
  if (!ct) return false;
  const types = [].concat(type).flat();
  for (const t of types) {
    const full = t.indexOf('/') < 0 ? (MIME[t] || t) : t;
    if (full === ct || (full.endsWith('/*') && ct.startsWith(full.slice(0, -1))) || (t === 'json' && ct.endsWith('+json'))) return t;
  }
  return false;
};
// negotiator's media type preference: by q, then specificity, then Accept order, then ours.
function parseAccept(accept) {
  return accept.split(',').map((part, o) => {
    const [mt, ...params] = part.trim().split(';');
    const [type, sub] = mt.trim().toLowerCase().split('/');
    let q = 1;
    for (const p of params) { const [k, v] = p.trim().split('='); if (k === 'q') q = parseFloat(v); }
    return { type, sub: sub || '*', q: isNaN(q) ? 0 : q, o };
  }).filter((e) => e.type);
}
request.accepts = function accepts(...types) {
  const accept = this.headers.accept === undefined ? '*/*' : this.headers.accept;
  const entries = parseAccept(accept);
  const list = types.flat();
  if (list.length === 0) return entries.filter((e) => e.q > 0).sort((a, b) => (b.q - a.q) || (a.o - b.o)).map((e) => e.type + '/' + e.sub);
  let best = null;
  list.forEach((t, i) => {
    const full = (t.indexOf('/') < 0 ? (MIME[t] || t) : t).toLowerCase();
    const [type, sub] = full.split('/');
    let m = null;
    for (const e of entries) {
      if ((e.type !== type && e.type !== '*') || (e.sub !== sub && e.sub !== '*')) continue;
      const sp = (e.type === type ? 4 : 0) | (e.sub === sub ? 2 : 0);
      if (!m || sp > m.s || (sp === m.s && (e.q > m.q || (e.q === m.q && e.o < m.o)))) m = { q: e.q, s: sp, o: e.o, i, t };
    }
    if (m && m.q > 0 && (!best || (m.q - best.q || m.s - best.s || best.o - m.o || best.i - m.i) > 0)) best = m;
  });
  return best ? best.t : false;
};
Object.defineProperty(request, 'path', { get() { return pathOf(this); }, configurable: true });
Object.defineProperty(request, 'hostname', { get() { const h = this.headers.host || ''; return h.replace(/:\d+$/, ''); }, configurable: true });
Object.defineProperty(request, 'host', { get() { return this.headers.host; }, configurable: true });
Object.defineProperty(request, 'ip', { get() { return this.socket.remoteAddress; }, configurable: true });
Object.defineProperty(request, 'ips', { get() { return []; }, configurable: true });
Object.defineProperty(request, 'protocol', { get() { return 'http'; }, configurable: true });
Object.defineProperty(request, 'secure', { get() { return false; }, configurable: true });
Object.defineProperty(request, 'xhr', { get() { return (this.headers['x-requested-with'] || '').toLowerCase() === 'xmlhttprequest'; }, configurable: true });
Object.defineProperty(request, 'subdomains', { get() { return []; }, configurable: true });
Object.defineProperty(request, 'fresh', {
  get() {
    const status = this.res.statusCode;
    if (this.method !== 'GET' && this.method !== 'HEAD') return false;
    if ((status < 200 || status >= 300) && status !== 304) return false;
    const inm = this.headers['if-none-match'];
    const etag = this.res.getHeader('ETag');
    if (!inm || !etag) return false;
    return inm === '*' || inm.split(/\s*,\s*/).some((t) => t === etag || t === 'W/' + etag || 'W/' + t === etag);
  },
  configurable: true,
});
Object.defineProperty(request, 'stale', { get() { return !this.fresh; }, configurable: true });

const response = Object.create(http.ServerResponse.prototype);

response.status = function status(code) {
  if (V5 && (!Number.isInteger(code) || code < 100 || code > 999)) {
    throw new RangeError('Invalid status code: ' + JSON.stringify(code) + '. Status code must be an integer.');
  }
  this.statusCode = code;
  return this;
};

response.set = response.header = function header(field, val) {
  if (arguments.length === 2) {
    let value = Array.isArray(val) ? val.map(String) : String(val);
    if (String(field).toLowerCase() === 'content-type') {
      if (Array.isArray(value)) throw new TypeError('Content-Type cannot be set to an Array');
      value = contentType(value, false);
    }
    this.setHeader(field, value);
  } else {
    for (const k of Object.keys(field)) this.set(k, field[k]);
  }
  return this;
};

response.get = function get(field) {
  return this.getHeader(field);
};

response.type = response.contentType = function type(t) {
  const ct = t.indexOf('/') < 0 ? (MIME[t.replace(/^\./, '')] || 'application/octet-stream') : t;
  return this.set('Content-Type', ct);
};

response.append = function append(field, val) {
  const prev = this.get(field);
  let value = val;
  if (prev) value = [].concat(prev, val);
  return this.set(field, value);
};

response.location = function location(url) {
  if (url === 'back') url = this.req.get('Referrer') || '/';
  return this.set('Location', encodeURI(url));
};

response.send = function send(body) {
  let chunk = body;
  const req = this.req;
  if (!V5 && arguments.length === 2) {
    if (typeof arguments[0] !== 'number' && typeof arguments[1] === 'number') {
      this.statusCode = arguments[1];
    } else {
      this.statusCode = arguments[0];
      chunk = arguments[1];
    }
  }
  if (typeof chunk === 'number' && arguments.length === 1) {
    if (!this.get('Content-Type')) this.type('txt');
    this.statusCode = chunk;
    chunk = http.STATUS_CODES[chunk];
  }
  switch (typeof chunk) {
    case 'string':
      if (!this.get('Content-Type')) this.type('html');
      break;
    case 'boolean':
    case 'number':
    case 'object':
      if (chunk === null) chunk = '';
      else if (Buffer.isBuffer(chunk)) { if (!this.get('Content-Type')) this.type('bin'); }
      else return this.json(chunk);
      break;
  }
  if (typeof chunk === 'string') {
    const ct = this.get('Content-Type');
    if (typeof ct === 'string' && ct.indexOf('charset') < 0) this.set('Content-Type', ct);
  }
  let len;
  if (chunk !== undefined) {
    len = host.byteLength(chunk);
    this.set('Content-Length', len);
  }
  const app = this.app;
  const etagOn = app ? app.get('etag') : true;
  if (etagOn && len !== undefined && !this.get('ETag')) {
    this.set('ETag', host.etag(chunk));
  }
  if (req.fresh) this.statusCode = 304;
  if (this.statusCode === 204 || this.statusCode === 304) {
    this.removeHeader('Content-Type');
    this.removeHeader('Content-Length');
    this.removeHeader('Transfer-Encoding');
    chunk = '';
  }
  if (this.statusCode === 205) {
    this.set('Content-Length', '0');
    this.removeHeader('Transfer-Encoding');
    chunk = '';
  }
  if (req.method === 'HEAD') this.end();
  else this.end(chunk);
  return this;
};

response.json = function json(obj) {
  let val = obj;
  if (!V5 && arguments.length === 2) {
    if (typeof arguments[1] === 'number') this.statusCode = arguments[1];
    else { this.statusCode = arguments[0]; val = arguments[1]; }
  }
  const app = this.app;
  const spaces = app ? app.get('json spaces') : undefined;
  const replacer = app ? app.get('json replacer') : undefined;
  let body = JSON.stringify(val, replacer, spaces);
  if (body === undefined) body = V5 ? undefined : 'undefined';
  if (typeof body === 'string' && app && app.get('json escape')) {
    body = body.replace(/[<>&]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  if (!this.get('Content-Type')) this.set('Content-Type', 'application/json');
  return this.send(body);
};

response.jsonp = function jsonp(obj) {
  return this.json(obj);
};

response.sendStatus = function sendStatus(code) {
  const body = http.STATUS_CODES[code] || String(code);
  this.statusCode = code;
  this.type('txt');
  return this.send(body);
};

response.redirect = function redirect(url) {
  let address = url;
  let status = 302;
  if (arguments.length === 2) {
    if (typeof arguments[0] === 'number') { status = arguments[0]; address = arguments[1]; }
    else { status = arguments[1]; }
  }
  this.location(address);
  address = this.get('Location');
  let body;
  this.format({
    text: () => { body = http.STATUS_CODES[status] + '. Redirecting to ' + address; },
    html: () => { body = '<p>' + http.STATUS_CODES[status] + '. Redirecting to ' + escapeHtml(address) + '</p>'; },
    default: () => { body = ''; },
  });
  this.statusCode = status;
  this.set('Content-Length', host.byteLength(body));
  if (this.req.method === 'HEAD') this.end();
  else this.end(body);
};

function sendFile(res, file, options, done) {
  const info = host.file(file);
  const req = res.req;
  if (!info || info[0]) {
    const e = new Error("ENOENT: no such file or directory, stat '" + file + "'");
    e.errno = -2; e.code = 'ENOENT'; e.syscall = 'stat'; e.path = file;
    e.expose = false; e.statusCode = 404; e.status = 404;
    if (done) return done(e);
    return req.next(e);
  }
  const [, size, mtime, body] = info;
  let age = options && options.maxAge !== undefined ? ms(options.maxAge) : 0;
  age = isNaN(age) ? 0 : Math.min(Math.max(0, age), 31536000000);
  const maxAge = Math.floor(age / 1000);
  if (!res.getHeader('Accept-Ranges')) res.setHeader('Accept-Ranges', 'bytes');
  if (!res.getHeader('Cache-Control')) res.setHeader('Cache-Control', 'public, max-age=' + maxAge);
  if (!res.getHeader('Last-Modified')) res.setHeader('Last-Modified', new Date(mtime).toUTCString());
  if (!res.getHeader('ETag')) res.setHeader('ETag', 'W/"' + size.toString(16) + '-' + Math.floor(mtime).toString(16) + '"');
  if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', contentType(lookup(file), !V5));
  res.setHeader('Content-Length', size);
  if (req.fresh) {
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Length');
    res.end();
  } else if (req.method === 'HEAD') res.end();
  else res.end(body);
  if (done) setImmediate(done);
}

response.sendFile = function (p, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  options = options || {};
  if (!options.root && !path.isAbsolute(p)) throw new TypeError('path must be absolute or specify root to res.sendFile');
  const file = options.root ? path.resolve(options.root, p) : p;
  sendFile(this, file, options, callback);
};

response.download = function (p, filename) {
  const name = typeof filename === 'string' ? filename : path.basename(p);
  this.set('Content-Disposition', 'attachment; filename="' + name + '"');
  return this.sendFile(path.resolve(p));
};

response.cookie = function (name, value, options) {
  const opts = Object.assign({}, options);
  let v = typeof value === 'object' ? 'j:' + JSON.stringify(value) : String(value);
  let str = name + '=' + encodeURIComponent(v);
  if (opts.maxAge !== undefined) {
    opts.expires = new Date(Date.now() + opts.maxAge);
    str += '; Max-Age=' + Math.floor(opts.maxAge / 1000);
  }
  str += '; Path=' + (opts.path || '/');
  if (opts.expires) str += '; Expires=' + opts.expires.toUTCString();
  if (opts.httpOnly) str += '; HttpOnly';
  if (opts.secure) str += '; Secure';
  if (opts.sameSite) str += '; SameSite=' + (opts.sameSite === true ? 'Strict' : opts.sameSite[0].toUpperCase() + opts.sameSite.slice(1));
  return this.append('Set-Cookie', str);
};

response.clearCookie = function (name, options) {
  return this.cookie(name, '', Object.assign({ expires: new Date(1) }, options, { maxAge: undefined }));
};

response.render = function () {
  host.fatal('res.render (view engines) is not simulated');
};

response.format = function (obj) {
  const keys = Object.keys(obj).filter((k) => k !== 'default');
  const key = keys.length > 0 ? this.req.accepts(keys) : false;
  this.vary('Accept');
  if (key) { this.set('Content-Type', contentType(key.indexOf('/') < 0 ? (MIME[key] || key) : key, false)); obj[key](this.req, this, this.req.next); }
  else if (obj.default) obj.default(this.req, this, this.req.next);
  else { const e = new Error('Not Acceptable'); e.status = e.statusCode = 406; this.req.next(e); }
  return this;
};

response.vary = function (field) {
  // The vary module: each field once, case-insensitively; `*` wins.
  const prev = this.get('Vary');
  let list = prev ? String(prev).split(/\s*,\s*/).filter(Boolean) : [];
  for (const f of [].concat(field).join(',').split(/\s*,\s*/).filter(Boolean)) {
    if (f === '*') list = ['*'];
    else if (list[0] !== '*' && !list.some((x) => x.toLowerCase() === f.toLowerCase())) list.push(f);
  }
  if (list.length) this.set('Vary', list.join(', '));
  return this;
};

response.links = function (links) {
  const v = Object.keys(links).map((rel) => '<' + links[rel] + '>; rel="' + rel + '"').join(', ');
  return this.set('Link', v);
};

response.attachment = function (filename) {
  this.set('Content-Disposition', filename ? 'attachment; filename="' + path.basename(filename) + '"' : 'attachment');
  return this;
};

// ---- application ----
const app = {};

app.init = function init() {
  this.cache = {};
  this.engines = {};
  this.settings = {};
  this.locals = Object.create(null);
  this.mountpath = '/';
  this.enable('x-powered-by');
  this.set('etag', 'weak');
  this.set('env', process.env.NODE_ENV || 'development');
  this.set('query parser', V5 ? 'simple' : 'extended');
  this.set('subdomain offset', 2);
  this.set('trust proxy', false);
  this.set('jsonp callback name', 'callback');
  this.locals.settings = this.settings;
};

app.lazyrouter = function lazyrouter() {
  if (!this._router) {
    this._router = new Router({ caseSensitive: this.enabled('case sensitive routing'), strict: this.enabled('strict routing') });
    const self = this;
    // Express 4 runs its query parser and init as the router's first two middleware;
    // Express 5 does both in app.handle.
    if (!V5) {
      this._router.use(function query(req, res, next) {
        req.query = parseQuery((req.url.split('?')[1] || ''));
        site(S.query);
        next();
      });
      this._router.use(function expressInit(req, res, next) {
        initRequest(self, req, res, next);
        site(S.init);
        next();
      });
    }
  }
};

function initRequest(app, req, res, next) {
  if (app.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
  req.res = res;
  res.req = req;
  req.next = next;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  res.locals = res.locals || Object.create(null);
}

Object.defineProperty(app, 'router', { get() { this.lazyrouter(); return this._router; }, configurable: true });

app.handle = function handle(req, res, callback) {
  const done = callback || finalhandler(req, res, this.get('env'), (err) => {
    if (this.get('env') !== 'test') console.error(err.stack || err.toString());
  });
  this.lazyrouter();
  if (V5) {
    initRequest(this, req, res, done);
    if (req.query === undefined) req.query = parseQuery((req.url.split('?')[1] || ''));
  }
  site(S.appHandle);
  this._router.handle(req, res, done);
};

app.use = function use(fn, ...rest) {
  let offset = 0;
  let p = '/';
  if (typeof fn !== 'function') {
    let arg = fn;
    while (Array.isArray(arg) && arg.length !== 0) arg = arg[0];
    if (typeof arg !== 'function') { offset = 1; p = fn; }
  }
  const fns = [fn, ...rest].slice(offset).flat(Infinity);
  if (fns.length === 0) throw new TypeError('app.use() requires a middleware function');
  this.lazyrouter();
  const router = this._router;
  for (const f of fns) {
    if (!f || !f.handle || !f.set) {
      router.use(p, f);
      continue;
    }
    f.mountpath = p;
    f.parent = this;
    router.use(p, function mounted_app(req, res, next) {
      const orig = req.app;
      f.handle(req, res, (err) => {
        Object.setPrototypeOf(req, orig.request);
        Object.setPrototypeOf(res, orig.response);
        next(err);
      });
    });
    f.emit('mount', this);
  }
  return this;
};

app.route = function route(p) {
  this.lazyrouter();
  return this._router.route(p);
};

app.param = function param(name, fn) {
  this.lazyrouter();
  for (const n of [].concat(name)) this._router.param(n, fn);
  return this;
};

app.set = function set(setting, val) {
  if (arguments.length === 1) return this.settings[setting];
  this.settings[setting] = val;
  return this;
};

app.enabled = function enabled(setting) { return Boolean(this.set(setting)); };
app.disabled = function disabled(setting) { return !this.set(setting); };
app.enable = function enable(setting) { return this.set(setting, true); };
app.disable = function disable(setting) { return this.set(setting, false); };
app.path = function () { return this.parent ? this.parent.path() + this.mountpath : ''; };
app.engine = function () { return this; };
app.render = function () { host.fatal('app.render (view engines) is not simulated'); };

for (const m of http.METHODS.map((x) => x.toLowerCase()).concat('all')) {
  app[m] = function (p, ...handlers) {
    if (m === 'get' && handlers.length === 0) return this.set(p);
    this.lazyrouter();
    const r = this._router.route(p);
    r[m](...handlers);
    return this;
  };
}
app.del = app.delete;

app.listen = function listen(...args) {
  const server = http.createServer(this);
  return server.listen(...args);
};

// ---- body parsing (body-parser) ----
function typeMatches(req, type) {
  const ct = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (!ct) return false;
  if (typeof type === 'function') return type(req);
  for (const t of [].concat(type)) {
    if (t === ct) return true;
    if (t.endsWith('/*') && ct.startsWith(t.slice(0, -1))) return true;
    if (t.startsWith('*/') && ct.endsWith(t.slice(1))) return true;
    if (t === 'application/json' && ct.endsWith('+json')) return true;
  }
  return false;
}

// raw-body's and body-parser's call chain, so parse errors carry their real stacks.
const BP = ROOT.replace(/express$/, 'body-parser');
const RB = ROOT.replace(/express$/, 'raw-body');
const BPL = V5 ? { json: '93:21', strict: '87:17', create: '139:10', read: '194:18' } : { json: '92:19', strict: '86:15', create: '169:10', read: '128:18' };
const runInAsyncScope = frame(function runInAsyncScope(fn, text) {
  return fn(null, text);
}, 'AsyncResource.runInAsyncScope (' + host.nodeFrame('asyncScope') + ')');
const invokeCallback = frame(function invokeCallback(cb, text) {
  return runInAsyncScope(cb, text);
}, 'invokeCallback (' + RB + '/index.js:238:16)');
const done = frame(function done(cb, text) {
  return invokeCallback(cb, text);
}, 'done (' + RB + '/index.js:227:7)');

function readBody(req, cb) {
  if (req._body) return cb(null, req._bodyText);
  let data = '';
  req.on('data', (chunk) => { data += chunk.toString(); });
  req.on('end', frame(function onEnd() {
    req._body = true;
    req._bodyText = data;
    done(cb, data);
  }, 'IncomingMessage.onEnd (' + RB + '/index.js:287:7)'));
}

function httpError(status, message, props) {
  const e = message instanceof Error ? message : new Error(message);
  e.expose = status < 500;
  e.statusCode = status;
  e.status = status;
  Object.assign(e, props || {});
  return e;
}

function normalizeJsonSyntaxError(error, obj) {
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key !== 'stack' && key !== 'message') delete error[key];
  }
  error.stack = obj.stack.replace(error.message, obj.message);
  error.message = obj.message;
  return error;
}

const createStrictSyntaxError = frame(function createStrictSyntaxError(str, char) {
  const index = str.indexOf(char);
  let partial = '';
  if (index !== -1) {
    partial = str.substring(0, index) + '#';
    for (let i = index + 1; i < str.length; i++) partial += '#';
  }
  try {
    JSON.parse(partial);
    throw new SyntaxError('strict violation');
  } catch (e) {
    return normalizeJsonSyntaxError(e, { message: e.message.replace(/#+/g, (p) => str.substring(index, index + p.length)), stack: e.stack });
  }
}, 'createStrictSyntaxError (' + BP + '/lib/types/json.js:' + BPL.create + ')');
const parseStrict = frame(function parse(body, char) {
  throw createStrictSyntaxError(body, char);
}, 'parse (' + BP + '/lib/types/json.js:' + BPL.strict + ')');
const parseJson = frame(function parse(body, reviver) {
  try {
    return JSON.parse(body, reviver);
  } catch (e) {
    throw normalizeJsonSyntaxError(e, { message: e.message, stack: e.stack });
  }
}, 'parse (' + BP + '/lib/types/json.js:' + BPL.json + ')');

function json(options) {
  const opts = options || {};
  const type = opts.type || 'application/json';
  const strict = opts.strict !== false;
  return frame(function jsonParser(req, res, next) {
    if (req._body) return next();
    req.body = req.body || (V5 ? undefined : {});
    if (!typeMatches(req, type) || req.method === 'GET' || req.method === 'HEAD') return next();
    readBody(req, frame(function (err, text) {
      try {
        if (text.length === 0) {
          req.body = {};
        } else {
          const m = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/.exec(text);
          const first = m ? m[1] : undefined;
          if (strict && first !== '{' && first !== '[') parseStrict(text, first);
          req.body = parseJson(text, opts.reviver);
        }
      } catch (e) {
        return next(httpError(400, e, { body: text, type: e.type || 'entity.parse.failed' }));
      }
      next();
    }, BP + '/lib/read.js:' + BPL.read));
  }, 'jsonParser (' + BP + '/lib/types/json.js:113:7)');
}

function urlencoded(options) {
  const opts = options || {};
  const type = opts.type || 'application/x-www-form-urlencoded';
  return function urlencodedParser(req, res, next) {
    if (req._body) return next();
    req.body = req.body || (V5 ? undefined : {});
    if (!typeMatches(req, type) || req.method === 'GET' || req.method === 'HEAD') return next();
    readBody(req, (err, text) => {
      req.body = parseQuery(text);
      next();
    });
  };
}

function text(options) {
  const opts = options || {};
  const type = opts.type || 'text/plain';
  return function textParser(req, res, next) {
    if (req._body) return next();
    req.body = req.body || (V5 ? undefined : {});
    if (!typeMatches(req, type)) return next();
    readBody(req, (err, t) => { req.body = t; next(); });
  };
}

function raw(options) {
  const opts = options || {};
  const type = opts.type || 'application/octet-stream';
  return function rawParser(req, res, next) {
    if (req._body) return next();
    req.body = req.body || (V5 ? undefined : {});
    if (!typeMatches(req, type)) return next();
    readBody(req, (err, t) => { req.body = Buffer.from(t); next(); });
  };
}

// ---- serve-static ----
function serveStatic(root, options) {
  if (!root) throw new TypeError('root path required');
  const opts = Object.assign({ index: 'index.html', redirect: true, fallthrough: true }, options);
  const base = path.resolve(root);
  return frame(function serveStatic(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (opts.fallthrough) return next();
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.setHeader('Content-Length', '0');
      res.end();
      return;
    }
    let p;
    try { p = decodeURIComponent(pathOf(req)); } catch (e) { return next(); }
    if (p.indexOf('\0') >= 0) return next();
    let file = path.join(base, path.normalize('/' + p));
    let info = host.file(file);
    if (info && info[0]) {
      if (!p.endsWith('/')) {
        if (!opts.redirect) return next();
        const loc = encodeURI(req.originalUrl.split('?')[0] + '/');
        const doc = htmlDocument('Redirecting to ' + escapeHtml(loc), 'Redirecting');
        res.statusCode = 301;
        res.setHeader('Content-Type', 'text/html; charset=UTF-8');
        res.setHeader('Content-Length', host.byteLength(doc));
        res.setHeader('Content-Security-Policy', "default-src 'none'");
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Location', loc);
        res.end(doc);
        return;
      }
      if (!opts.index) return next();
      file = path.join(file, opts.index);
      info = host.file(file);
    }
    if (!info || info[0]) return next();
    sendFile(res, file, opts);
  }, 'serveStatic (' + ROOT.replace(/express$/, 'serve-static') + '/index.js:75:16)');
}

// ---- the exported function ----
function createApplication() {
  const appFn = function app(req, res, next) {
    site(S.app);
    appFn.handle(req, res, next);
  };
  const EventEmitter = require('events');
  for (const k of Object.keys(EventEmitter.prototype)) appFn[k] = EventEmitter.prototype[k];
  Object.assign(appFn, app);
  Object.defineProperty(appFn, 'router', Object.getOwnPropertyDescriptor(app, 'router'));
  appFn._events = Object.create(null);
  appFn._eventsCount = 0;
  appFn.request = Object.create(request, { app: { configurable: true, enumerable: true, writable: true, value: appFn } });
  appFn.response = Object.create(response, { app: { configurable: true, enumerable: true, writable: true, value: appFn } });
  appFn.init();
  return appFn;
}

createApplication.application = app;
createApplication.request = request;
createApplication.response = response;
createApplication.Route = Route;
createApplication.Router = Router;
createApplication.json = json;
createApplication.urlencoded = urlencoded;
createApplication.text = text;
createApplication.raw = raw;
createApplication.static = serveStatic;
createApplication.query = function () { return function query(req, res, next) { req.query = parseQuery(req.url.split('?')[1] || ''); next(); }; };
createApplication.bodyParser = { json, urlencoded, text, raw };

module.exports = createApplication;

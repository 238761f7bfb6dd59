'use strict';
// node:url — WHATWG URL, URLSearchParams, fileURLToPath/pathToFileURL, legacy parse/format.

const SPECIAL = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };

function encodeComponent(s) {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

function decodeComponent(s) {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; }
}

class URLSearchParams {
  constructor(init) {
    this._list = [];
    if (init === undefined || init === null) return;
    if (typeof init === 'string') {
      this._parse(init);
    } else if (typeof init === 'object') {
      if (init instanceof URLSearchParams) this._list = init._list.map((p) => [p[0], p[1]]);
      else if (Array.isArray(init)) for (const [k, v] of init) this._list.push([String(k), String(v)]);
      else for (const k of Object.keys(init)) this._list.push([k, String(init[k])]);
    }
  }
  _parse(s) {
    this._list = [];
    if (s.startsWith('?')) s = s.slice(1);
    for (const part of s.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const k = eq < 0 ? part : part.slice(0, eq);
      const v = eq < 0 ? '' : part.slice(eq + 1);
      this._list.push([decodeComponent(k), decodeComponent(v)]);
    }
  }
  get size() { return this._list.length; }
  append(k, v) { this._list.push([String(k), String(v)]); this._update(); }
  delete(k) { this._list = this._list.filter((p) => p[0] !== k); this._update(); }
  get(k) { const p = this._list.find((x) => x[0] === k); return p ? p[1] : null; }
  getAll(k) { return this._list.filter((x) => x[0] === k).map((x) => x[1]); }
  has(k) { return this._list.some((x) => x[0] === k); }
  set(k, v) {
    const i = this._list.findIndex((x) => x[0] === k);
    if (i < 0) this._list.push([String(k), String(v)]);
    else { this._list[i][1] = String(v); this._list = this._list.filter((x, j) => j <= i || x[0] !== k); }
    this._update();
  }
  sort() { this._list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this._update(); }
  forEach(fn, thisArg) { for (const [k, v] of this._list) fn.call(thisArg, v, k, this); }
  keys() { return this._list.map((p) => p[0])[Symbol.iterator](); }
  values() { return this._list.map((p) => p[1])[Symbol.iterator](); }
  entries() { return this._list.map((p) => [p[0], p[1]])[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return this._list.map((p) => encodeComponent(p[0]) + '=' + encodeComponent(p[1])).join('&'); }
  _update() { if (this._url) this._url._search = this._list.length ? '?' + this.toString() : ''; }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    if (this._list.length === 0) return 'URLSearchParams {}';
    return 'URLSearchParams { ' + this._list.map((p) => "'" + p[0] + "' => '" + p[1] + "'").join(', ') + ' }';
  }
}

function invalidUrl(input) {
  const e = new TypeError('Invalid URL');
  e.code = 'ERR_INVALID_URL';
  e.input = input;
  return e;
}

class URL {
  constructor(input, base) {
    input = String(input).trim();
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(input);
    if (!m) {
      if (base === undefined) throw invalidUrl(input);
      const b = new URL(base);
      let path;
      let rest = input;
      let hash = '';
      let search = '';
      const hi = rest.indexOf('#');
      if (hi >= 0) { hash = rest.slice(hi); rest = rest.slice(0, hi); }
      const qi = rest.indexOf('?');
      if (qi >= 0) { search = rest.slice(qi); rest = rest.slice(0, qi); }
      if (rest.startsWith('//')) return new URL(b.protocol + input);
      if (rest.startsWith('/')) path = rest;
      else if (rest === '') { path = b.pathname; if (qi < 0) search = b.search; }
      else path = b.pathname.slice(0, b.pathname.lastIndexOf('/') + 1) + rest;
      return new URL(b.protocol + '//' + b._auth() + b.host + normalizePath(path) + search + hash);
    }
    this._protocol = m[1].toLowerCase() + ':';
    let rest = m[2];
    this._username = '';
    this._password = '';
    this._hostname = '';
    this._port = '';
    this._hash = '';
    this._search = '';
    const hi = rest.indexOf('#');
    if (hi >= 0) { this._hash = rest.slice(hi); rest = rest.slice(0, hi); }
    const qi = rest.indexOf('?');
    if (qi >= 0) { this._search = rest.slice(qi); rest = rest.slice(0, qi); }
    if (this._search === '?') this._search = '';
    if (this._hash === '#') this._hash = '';
    const special = this._protocol in SPECIAL;
    if (rest.startsWith('//')) {
      rest = rest.slice(2);
      const si = rest.indexOf('/');
      let authority = si < 0 ? rest : rest.slice(0, si);
      rest = si < 0 ? '' : rest.slice(si);
      const at = authority.lastIndexOf('@');
      if (at >= 0) {
        const cred = authority.slice(0, at);
        authority = authority.slice(at + 1);
        const ci = cred.indexOf(':');
        this._username = ci < 0 ? cred : cred.slice(0, ci);
        this._password = ci < 0 ? '' : cred.slice(ci + 1);
      }
      const pi = authority.lastIndexOf(':');
      if (pi >= 0 && !authority.endsWith(']')) {
        this._port = authority.slice(pi + 1);
        authority = authority.slice(0, pi);
        if (!/^\d*$/.test(this._port)) throw invalidUrl(input);
      }
      this._hostname = special ? authority.toLowerCase() : authority;
      if (special && this._hostname === '' && this._protocol !== 'file:') throw invalidUrl(input);
      if (SPECIAL[this._protocol] === this._port) this._port = '';
      this._pathname = special && rest === '' ? '/' : normalizePath(rest);
    } else {
      if (special) throw invalidUrl(input);
      this._pathname = rest;
    }
    this._params = new URLSearchParams(this._search);
    this._params._url = this;
  }
  _auth() {
    if (!this._username && !this._password) return '';
    return this._username + (this._password ? ':' + this._password : '') + '@';
  }
  get protocol() { return this._protocol; }
  set protocol(v) { this._protocol = String(v).replace(/:?$/, ':'); }
  get username() { return this._username; }
  get password() { return this._password; }
  get hostname() { return this._hostname; }
  set hostname(v) { this._hostname = String(v); }
  get port() { return this._port; }
  set port(v) { this._port = String(v); }
  get host() { return this._hostname + (this._port ? ':' + this._port : ''); }
  get origin() { return this._protocol in SPECIAL && this._protocol !== 'file:' ? this._protocol + '//' + this.host : 'null'; }
  get pathname() { return this._pathname; }
  set pathname(v) { this._pathname = normalizePath(String(v).startsWith('/') ? String(v) : '/' + v); }
  get search() { return this._search; }
  set search(v) { v = String(v); this._search = v === '' || v === '?' ? '' : (v.startsWith('?') ? v : '?' + v); this._params._parse(this._search); }
  get searchParams() { return this._params; }
  get hash() { return this._hash; }
  set hash(v) { v = String(v); this._hash = v === '' || v === '#' ? '' : (v.startsWith('#') ? v : '#' + v); }
  get href() {
    const slashes = this._protocol in SPECIAL || this._hostname ? '//' : '';
    return this._protocol + slashes + this._auth() + this.host + this._pathname + this._search + this._hash;
  }
  set href(v) { const u = new URL(v); Object.assign(this, u); this._params._url = this; }
  toString() { return this.href; }
  toJSON() { return this.href; }
  static canParse(input, base) { try { new URL(input, base); return true; } catch (e) { return false; } }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    const lines = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search'].map((k) => '  ' + k + ": '" + this[k] + "'");
    lines.push('  searchParams: ' + this._params[Symbol.for('nodejs.util.inspect.custom')]());
    lines.push("  hash: '" + this._hash + "'");
    return 'URL {\n' + lines.join(',\n') + '\n}';
  }
}

function normalizePath(p) {
  if (p === '') return '';
  const out = [];
  const parts = p.split('/');
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i];
    if (s === '..') { if (out.length > 1) out.pop(); if (i === parts.length - 1) out.push(''); }
    else if (s === '.') { if (i === parts.length - 1) out.push(''); }
    else out.push(s);
  }
  return out.join('/') || '/';
}

function fileURLToPath(u) {
  const url = typeof u === 'string' ? new URL(u) : u;
  if (url.protocol !== 'file:') {
    const e = new TypeError('The URL must be of scheme file');
    e.code = 'ERR_INVALID_URL_SCHEME';
    throw e;
  }
  return decodeURIComponent(url.pathname);
}

function pathToFileURL(p) {
  return new URL('file://' + require('path').resolve(p));
}

function parse(s, parseQuery) {
  const u = new URL(s, 'http://localhost');
  const query = u.search.slice(1);
  return {
    protocol: /^[a-z]+:/i.test(s) ? u.protocol : null,
    slashes: /^[a-z]+:\/\//i.test(s) ? true : null,
    auth: null,
    host: /^[a-z]+:/i.test(s) ? u.host : null,
    port: /^[a-z]+:/i.test(s) && u.port ? u.port : null,
    hostname: /^[a-z]+:/i.test(s) ? u.hostname : null,
    hash: u.hash || null,
    search: u.search || (s.includes('?') ? '?' : null),
    query: parseQuery ? Object.fromEntries(u.searchParams) : (query || (s.includes('?') ? '' : null)),
    pathname: u.pathname,
    path: u.pathname + u.search,
    href: s,
  };
}

function format(u) {
  if (u instanceof URL) return u.href;
  let s = '';
  if (u.protocol) s += u.protocol + (u.slashes || u.host ? '//' : '');
  if (u.host) s += u.host;
  else if (u.hostname) s += u.hostname + (u.port ? ':' + u.port : '');
  s += u.pathname || '';
  if (u.search) s += u.search;
  else if (u.query && typeof u.query === 'object') { const q = new URLSearchParams(u.query).toString(); if (q) s += '?' + q; }
  if (u.hash) s += u.hash;
  return s;
}

const querystring = {
  parse(s) { return Object.fromEntries(new URLSearchParams(s)); },
  stringify(o) { return new URLSearchParams(o).toString(); },
  escape: encodeURIComponent,
  unescape: decodeURIComponent,
};

module.exports = { URL, URLSearchParams, fileURLToPath, pathToFileURL, parse, format, resolve: (from, to) => new URL(to, new URL(from, 'resolve://')).href.replace(/^resolve:\/\//, ''), querystring };

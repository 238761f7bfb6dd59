'use strict';
// dotenv — loads `.env` from the working directory into process.env.

const fs = require('fs');
const path = require('path');

function parse(src) {
  const obj = {};
  const lines = String(src).replace(/\r\n?/g, '\n').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = line.replace(/^export\s+/, '');
    const eq = m.indexOf('=');
    if (eq < 0) continue;
    const key = m.slice(0, eq).trim();
    let value = m.slice(eq + 1).trim();
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && value.indexOf(q, 1) > 0) {
      value = value.slice(1, value.indexOf(q, 1));
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    } else {
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash).trim();
    }
    obj[key] = value;
  }
  return obj;
}

function config(options) {
  options = options || {};
  const file = options.path ? path.resolve(String(options.path)) : path.resolve(process.cwd(), '.env');
  let parsed;
  try {
    parsed = parse(fs.readFileSync(file, options.encoding || 'utf8'));
  } catch (e) {
    if (options.debug) console.log('[dotenv][DEBUG] Failed to load ' + file + ' ' + e.message);
    return { error: e };
  }
  let count = 0;
  for (const k of Object.keys(parsed)) {
    if (!Object.prototype.hasOwnProperty.call(process.env, k) || options.override) {
      process.env[k] = parsed[k];
    }
    count++;
  }
  return { parsed };
}

module.exports = { config, parse, configDotenv: config };

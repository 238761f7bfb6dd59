'use strict';
// cors — the Access-Control-* headers (defaults: origin *, methods GET,HEAD,PUT,PATCH,POST,DELETE).

function cors(options) {
  const o = Object.assign({ origin: '*', methods: 'GET,HEAD,PUT,PATCH,POST,DELETE', preflightContinue: false, optionsSuccessStatus: 204 }, options || {});
  return function corsMiddleware(req, res, next) {
    let origin = o.origin;
    if (origin === true) origin = req.headers.origin || '*';
    if (Array.isArray(origin)) origin = origin.indexOf(req.headers.origin) >= 0 ? req.headers.origin : false;
    if (origin && origin !== '*') {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    } else if (origin === '*') {
      res.setHeader('Access-Control-Allow-Origin', '*');
    }
    if (o.credentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (o.exposedHeaders) res.setHeader('Access-Control-Expose-Headers', [].concat(o.exposedHeaders).join(','));
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', [].concat(o.methods).join(','));
      const h = o.allowedHeaders || req.headers['access-control-request-headers'];
      if (h) {
        res.setHeader('Access-Control-Allow-Headers', [].concat(h).join(','));
        if (!o.allowedHeaders) res.setHeader('Vary', 'Access-Control-Request-Headers');
      }
      if (o.maxAge) res.setHeader('Access-Control-Max-Age', String(o.maxAge));
      if (o.preflightContinue) return next();
      res.statusCode = o.optionsSuccessStatus;
      res.setHeader('Content-Length', '0');
      res.end();
      return;
    }
    next();
  };
}

module.exports = cors;

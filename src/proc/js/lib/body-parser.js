'use strict';
// body-parser — JSON and urlencoded bodies (shared with express.json/express.urlencoded).

module.exports = require('dockling:express').bodyParser;

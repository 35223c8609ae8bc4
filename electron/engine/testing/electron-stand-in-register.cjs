/**
 * `node --require` this before a built main-process bundle: `require('electron')` then loads
 * electron-stand-in.cjs instead of the npm package (which, without its binary, only exports a path).
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');

const standIn = path.join(__dirname, 'electron-stand-in.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? standIn : resolve.call(this, request, ...rest);
};

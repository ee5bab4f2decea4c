// A do-nothing stand-in for the `vscode` module: every property can be read to
// any depth, called, constructed and extended. Enough to load code that uses
// vscode at module level (classes extending vscode types) outside VS Code.
'use strict';
const Module = require('node:module');

function stub(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'prototype') return target.prototype;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'then') return undefined; // not a thenable
      if (prop === 'version') return '1.91.0';
      return stub(`${name}.${String(prop)}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

/** Makes `require('vscode')` return the stand-in; returns a function that undoes it. */
function installVscodeStub() {
  const vscode = stub('vscode');
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    return originalLoad.call(this, request, parent, isMain);
  };
  return () => {
    Module._load = originalLoad;
  };
}

module.exports = { installVscodeStub };

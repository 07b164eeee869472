// loader.js — instantiate a Go WebAssembly module (wasm_exec.js must be
// loaded first). Same-origin frames share one compiled WebAssembly.Module:
// a page keeps its compile promises in window.rnnlabModules[url], and a
// child frame reuses its parent's promise when there is one.
(function () {
  "use strict";
  window.rnnlabModules = window.rnnlabModules || {};

  function parentModule(url, abs) {
    if (window.parent === window) return null;
    try {
      var m = window.parent.rnnlabModules;
      return (m && (m[abs] || m[url])) || null;
    } catch (e) {
      return null; // another origin: no access
    }
  }

  function compile(url) {
    var abs = new URL(url, location.href).href;
    var p = parentModule(url, abs) || window.rnnlabModules[abs] || window.rnnlabModules[url];
    if (!p) {
      p = WebAssembly.compileStreaming
        ? WebAssembly.compileStreaming(fetch(abs)).catch(function () {
            // servers that send the wrong MIME type
            return fetch(abs).then(function (r) { return r.arrayBuffer(); }).then(WebAssembly.compile);
          })
        : fetch(abs).then(function (r) { return r.arrayBuffer(); }).then(WebAssembly.compile);
    }
    window.rnnlabModules[abs] = window.rnnlabModules[url] = p;
    return p;
  }

  // rnnlabLoad(url) compiles (or reuses) and runs the Go program at url;
  // it resolves when the program has started.
  window.rnnlabLoad = function (url) {
    var go = new Go();
    return compile(url).then(function (mod) {
      return WebAssembly.instantiate(mod, go.importObject);
    }).then(function (inst) {
      go.run(inst);
    }).catch(function (err) {
      var el = document.getElementById("loading");
      if (el) {
        el.textContent = "could not start " + url + ": " + err;
        el.className = "loading error";
      }
      throw err;
    });
  };
})();

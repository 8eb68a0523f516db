// A polyfill for runtimes without fetch (whatwg-fetch, imported by ollama-js); Node has fetch.
module.exports = {};

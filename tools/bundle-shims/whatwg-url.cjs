// The MongoDB driver parses connection strings with whatwg-url, which brings 290 KiB of
// Unicode tables (tr46) that take ~20 ms to load. Node's own URL implements the same WHATWG
// standard; test/url-shim.test.ts checks that connection strings parse identically.
module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };

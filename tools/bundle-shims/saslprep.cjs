// @mongodb-js/saslprep decodes its Unicode tables when it is loaded, though only SCRAM-SHA-256
// authentication ever calls it. Load it on that first call instead of at start-up.
let saslprep;
function lazySaslprep(input, options) {
  saslprep ??= require('@mongodb-js/saslprep');
  return saslprep(input, options);
}
lazySaslprep.saslprep = lazySaslprep;
lazySaslprep.default = lazySaslprep;
module.exports = lazySaslprep;

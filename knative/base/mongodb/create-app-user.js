// Runs once, when MongoDB starts on an empty data volume (docker-entrypoint-initdb.d): the
// user the functions log in as, allowed to read and write the zerochat database only.
const database = process.env.MONGODB_APP_DB || 'zerochat';
db.getSiblingDB(database).createUser({
  user: process.env.MONGODB_APP_USERNAME || 'zerochat',
  pwd: process.env.MONGODB_APP_PASSWORD,
  roles: [{ role: 'readWrite', db: database }],
});

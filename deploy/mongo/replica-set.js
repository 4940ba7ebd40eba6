// Initiates the compose file's three-member replica set `rs0` and waits until it has a primary.
// Run by the `mongo-init` service with mongosh against mongo1; a second run finds the set
// initiated and only waits, so `docker compose up` is repeatable.
const members = [
  { _id: 0, host: "mongo1:27017" },
  { _id: 1, host: "mongo2:27017" },
  { _id: 2, host: "mongo3:27017" },
];
try {
  rs.status();
  print("replica set rs0 already initiated");
} catch (error) {
  if (error.codeName !== "NotYetInitialized") throw error;
  rs.initiate({ _id: "rs0", members });
  print("replica set rs0 initiated");
}
const deadline = Date.now() + 60000;
while (!db.hello().primary) {
  if (Date.now() > deadline) throw new Error("replica set rs0 elected no primary in 60 s");
  sleep(500);
}
print(`replica set rs0 primary: ${db.hello().primary}`);

// Apollo Gateway on Apollo Server, one process, as the public gateway benchmark runs it.
// Run from the npm install folder (.cache/bench-npm) so its imports resolve there.
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway } from '@apollo/gateway';

const supergraphSdl = readFileSync(process.env.SUPERGRAPH, 'utf8');
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
const { url } = await startStandaloneServer(server, {
  listen: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4000) },
});
console.log(`apollo-gateway ready at ${url}`);

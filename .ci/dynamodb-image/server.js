// DynamoDB-compatible server for the container backend: dynalite, in memory,
// on 0.0.0.0:8000 like Amazon's DynamoDB Local image.
'use strict'

const dynalite = require('dynalite')

const PORT = 8000
const HOST = '0.0.0.0'

// DynamoDB Local makes tables ACTIVE at once; dynalite's default holds them
// in CREATING/DELETING/UPDATING for 500 ms, which only slows the suite.
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })

// As PID 1 in a container, node gets no default signal handlers: without
// these, `docker stop` waits its full grace period before killing.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0))

server.listen(PORT, HOST, () => {
  const { address, port } = server.address()
  console.log(`dynalite listening at http://${address}:${port}`)
})

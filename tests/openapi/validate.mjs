// Validates an OpenAPI document (the gateway's /openapi.json) with @apidevtools/swagger-parser.
//
//   NODE_PATH=/tmp/npm-openapi/node_modules node tests/openapi/validate.mjs openapi.json
//
// Prints "openapi: valid, N paths" and exits 0, or prints the error and exits 1 (2 for bad usage
// or a validator that cannot be loaded). ESM imports ignore NODE_PATH, so the package is loaded
// with a CommonJS require resolved from each NODE_PATH directory in turn.
import { createRequire } from 'module';
import path from 'path';
import process from 'process';

const PACKAGE = '@apidevtools/swagger-parser';

function loadSwaggerParser() {
  const require = createRequire(import.meta.url);
  const searchPath = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  const resolved = require.resolve(PACKAGE, { paths: searchPath });
  return require(resolved);
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error('usage: node validate.mjs OPENAPI_JSON_FILE');
    return 2;
  }
  let SwaggerParser;
  try {
    SwaggerParser = loadSwaggerParser();
  } catch (e) {
    console.error(`openapi: cannot load ${PACKAGE} (set NODE_PATH): ${e.message}`);
    return 2;
  }
  try {
    const api = await SwaggerParser.validate(argv[0]);
    console.log(`openapi: valid, ${Object.keys(api.paths || {}).length} paths`);
    return 0;
  } catch (e) {
    console.error(`openapi: invalid: ${e.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

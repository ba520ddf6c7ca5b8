// Validates an OpenAPI document (schema and references) with @apidevtools/swagger-parser, installed by
// scripts/test-services.sh into .services/openapi:  NODE_PATH=.services/openapi/node_modules node scripts/validate-openapi.js doc.json
const SwaggerParser = require('@apidevtools/swagger-parser');
SwaggerParser.validate(process.argv[2]).then(
  (api) => console.log(`valid: ${api.info.title} (OpenAPI ${api.openapi}), ${Object.keys(api.paths || {}).length} paths`),
  (error) => { console.error(error.message); process.exit(1); });

import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server' with { 'resolution-mode': 'import' };
import { Logger } from '@nestjs/common';

const logger = new Logger('GraphQL');

/**
 * One log line per operation: name, duration, and the codes its errors were answered with. The
 * codes are read from the response body, after the app's formatter (libs/common/src/errors) mapped
 * each error onto the design's code set: `errors` of the request context holds them unformatted,
 * where a refused operation (an AppError) has no code yet and would be logged as a bug.
 */
export const requestLoggingPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    const started = process.hrtime.bigint();
    return {
      async willSendResponse({ operationName, response }) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const codes = answeredCodes(response.body);
        logger.log({
          message: 'operation',
          operation: operationName ?? 'anonymous',
          ms: Math.round(ms * 10) / 10,
          ...(codes.length ? { errors: codes } : {}),
        });
      },
    };
  },
};

/** The `extensions.code` of each error the client is sent (an incremental response's first part). */
function answeredCodes(body: GraphQLResponse['body'] | undefined): string[] {
  if (!body) return [];
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  return (errors ?? []).map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR'));
}

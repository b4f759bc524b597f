import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { Logger } from '@nestjs/common';

const logger = new Logger('GraphQL');

/** One log line per operation: name, duration, and whether it ended in errors. */
export const requestLoggingPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    const started = process.hrtime.bigint();
    return {
      async willSendResponse({ operationName, errors }) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const codes = errors?.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
        logger.log({
          message: 'operation',
          operation: operationName ?? 'anonymous',
          ms: Math.round(ms * 10) / 10,
          ...(codes?.length ? { errors: codes } : {}),
        });
      },
    };
  },
};

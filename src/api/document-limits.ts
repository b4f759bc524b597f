import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ErrorReason, requestShapeError, type RequestShapeDetails, type RequestShapeReason } from '@tessera/common';
import type { GraphQLError, ValidationContext } from 'graphql';

/** Directives one operation may use: no real query needs more; a flood of them is refused. */
export const MAX_DIRECTIVES = 50;

type Refusal = (counted: number | undefined, limit: number) => { message: string; details: RequestShapeDetails };

/**
 * Armor's rules name what they counted only in their message ("… exceeded, found 12."), labelled
 * "Syntax Error"; the refusal is reported again with its reason, its numbers and a plain message.
 */
function refuseAs(reason: RequestShapeReason, limit: number, refusal: Refusal) {
  return (context: ValidationContext | null, armorError: GraphQLError): void => {
    const found = /found (\d+)/.exec(armorError.message);
    const { message, details } = refusal(found ? Number(found[1]) : undefined, limit);
    const error = requestShapeError(reason, message, details);
    // Armor calls this from its validation rule, with the rule's context; without one, stop the request anyway.
    if (!context) throw error;
    context.reportError(error);
  };
}

/**
 * Depth, alias and directive limits (graphql-armor's rules), each refusal with its reason. Cost is
 * counted by query-cost.ts, which reads variables; tokens by graphql-js while parsing.
 */
export function documentLimits(limits: { maxDepth: number; maxAliases: number }) {
  const { maxDepth, maxAliases } = limits;
  return new ApolloArmor({
    maxDepth: {
      n: maxDepth,
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: [
        refuseAs(ErrorReason.QUERY_TOO_DEEP, maxDepth, (depth, limit) => ({
          message: `This query nests ${depth ?? 'more than ' + limit} levels deep, over the depth limit of ${limit}.`,
          details: { depth, limit },
        })),
      ],
    },
    maxAliases: {
      n: maxAliases,
      propagateOnRejection: false,
      onReject: [
        refuseAs(ErrorReason.TOO_MANY_ALIASES, maxAliases, (aliases, limit) => ({
          message: `This query uses ${aliases ?? 'more than ' + limit} aliases, over the limit of ${limit} aliases.`,
          details: { aliases, limit },
        })),
      ],
    },
    maxDirectives: {
      n: MAX_DIRECTIVES,
      propagateOnRejection: false,
      onReject: [
        refuseAs(ErrorReason.INVALID_QUERY, MAX_DIRECTIVES, (directives, limit) => ({
          message: `This query uses ${directives ?? 'more than ' + limit} directives, over the limit of ${limit} directives.`,
          details: {},
        })),
      ],
    },
    costLimit: { enabled: false },
    // graphql-js enforces the token limit while parsing (parseOptions), as a parse error.
    maxTokens: { enabled: false },
    // Armor's mask ("[Suggestion hidden]") would still say that a near name exists, and it misses
    // enum values; the formatter removes every suggestion instead.
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

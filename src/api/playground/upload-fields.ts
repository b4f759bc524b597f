import { getNamedType, GraphQLInputObjectType, GraphQLSchema, isInputObjectType, isListType, isNonNullType } from 'graphql';

/**
 * For each input type that holds a file somewhere, the dotted paths of its Upload fields
 * (`ImportCodesFileInput: ["file"]`): the playground puts the chosen file there when a variable of
 * that type is sent. Lists of files are left out (an upload takes one file).
 */
export function uploadFieldPaths(schema: GraphQLSchema): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type) || type.name.startsWith('__')) continue;
    const found = pathsIn(type, new Set());
    if (found.length) paths[type.name] = found;
  }
  return paths;
}

function pathsIn(type: GraphQLInputObjectType, seen: Set<string>): string[] {
  if (seen.has(type.name)) return [];
  seen.add(type.name);
  return Object.values(type.getFields()).flatMap((field) => {
    const fieldType = isNonNullType(field.type) ? field.type.ofType : field.type;
    if (isListType(fieldType)) return [];
    const named = getNamedType(fieldType);
    if (named.name === 'Upload') return [field.name];
    return isInputObjectType(named) ? pathsIn(named, new Set(seen)).map((path) => `${field.name}.${path}`) : [];
  });
}

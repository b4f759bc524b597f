export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: GraphQLErrorShape[];
  headers: Headers;
}

/** Talks to the API over HTTP, as a frontend would. */
export class GraphQLClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  /** A client that sends this bearer token (or API key). */
  as(token: string): GraphQLClient {
    return new GraphQLClient(this.baseUrl, token);
  }

  async request<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: GraphQLErrorShape[] };
    return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
  }

  /**
   * A GraphQL multipart request (the upload spec): `files` maps a variable path such as
   * `input.file` to the file's bytes and name.
   */
  async upload<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown>,
    files: Record<string, { content: Buffer | string; filename: string; type?: string }>,
  ): Promise<GraphQLResponse<T>> {
    const form = new FormData();
    const paths = Object.keys(files);
    form.append('operations', JSON.stringify({ query, variables }));
    form.append('map', JSON.stringify(Object.fromEntries(paths.map((path, i) => [String(i), [`variables.${path}`]]))));
    paths.forEach((path, i) => {
      const { content, filename, type = 'text/csv' } = files[path];
      form.append(String(i), new Blob([content], { type }), filename);
    });
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'apollo-require-preflight': 'true', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: form,
    });
    const body = (await response.json()) as { data?: T; errors?: GraphQLErrorShape[] };
    return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
  }

  /** Runs an operation that must succeed; throws with the errors otherwise. */
  async ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL operation failed (${result.status}): ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }

  /** Runs an operation that must fail; returns its first error's code (and the error). */
  async fails(query: string, variables?: Record<string, unknown>): Promise<GraphQLErrorShape & { code: string }> {
    const result = await this.request(query, variables);
    const error = result.errors?.[0];
    if (!error) throw new Error(`Expected an error, got ${JSON.stringify(result.data)}`);
    if (result.status >= 500) throw new Error(`Server error ${result.status}: ${JSON.stringify(result.errors)}`);
    return { ...error, code: String(error.extensions?.code) };
  }
}

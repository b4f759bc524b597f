/*
 * Tessera's playground: GraphiQL with a sign-in panel (log in or paste a token; the token then goes
 * with every request), the ready-made operations of examples/ (one click opens one in a new tab,
 * with its variables and the chosen organisation filled in), a file for upload mutations (sent as
 * a GraphQL multipart request) and the CSV downloads. Plain browser JavaScript over the UMD builds
 * of React and GraphiQL that this server serves: no build step, no internet.
 */
(function () {
  'use strict';

  const React = window.React;
  const { GraphQL } = GraphiQL;
  // GraphiQL.React is @graphiql/react (GraphiQL's hooks), not React itself.
  const { useEditorContext, usePluginContext } = GraphiQL.React;
  const h = React.createElement;
  const ENDPOINT = window.location.origin + '/graphql';
  // Subscriptions: the same path over WebSocket (wss:// behind https).
  const SUBSCRIPTION_ENDPOINT = ENDPOINT.replace(/^http/, 'ws');
  const STORAGE_KEY = 'tessera.playground';

  // ---- state shared by the panels and the fetcher; the sign-in lasts as long as the browser tab.
  const store = {
    state: Object.assign({ token: null, label: null, expiresAt: null, organizations: [], organizationId: null }, readSaved()),
    file: null,
    listeners: new Set(),
    set(patch) {
      this.state = Object.assign({}, this.state, patch);
      const { token, label, expiresAt, organizations, organizationId } = this.state;
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token, label, expiresAt, organizations, organizationId }));
      this.listeners.forEach((listener) => listener());
    },
    subscribe(listener) {
      store.listeners.add(listener);
      return () => store.listeners.delete(listener);
    },
  };

  function readSaved() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || '{}');
      if (saved.expiresAt && Date.parse(saved.expiresAt) < Date.now()) return {};
      return saved;
    } catch {
      return {};
    }
  }

  function useStore() {
    return React.useSyncExternalStore(store.subscribe, () => store.state);
  }

  // ---- talking to the API

  /** Headers for a request: the playground's token unless the Headers tab names its own. */
  function withAuthorization(headers) {
    const merged = new Headers(headers || {});
    const token = store.state.token;
    if (token && !merged.has('authorization') && !merged.has('x-api-key')) merged.set('authorization', 'Bearer ' + token);
    return merged;
  }

  async function request(query, variables) {
    const response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: withAuthorization({ 'content-type': 'application/json' }),
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors && body.errors.length) throw new Error(describeError(body.errors[0]));
    return body.data;
  }

  function describeError(error) {
    const extensions = error.extensions || {};
    const fields = (extensions.fields || []).map((field) => field.field + ': ' + field.message).join('; ');
    return (extensions.code ? extensions.code + ': ' : '') + error.message + (fields ? ' (' + fields + ')' : '');
  }

  /**
   * GraphiQL's own fetcher: queries and mutations over HTTP, subscriptions over WebSocket with
   * graphql-ws (bundled in GraphiQL), each answer shown as it comes. The WebSocket signs in with what
   * a request would send (the playground's token, or the Headers tab's authorization or x-api-key),
   * in its connectionParams; made for each run, so a new sign-in applies at once.
   */
  function plainFetcher(params, options) {
    const sent = withAuthorization(options && options.headers);
    const connectionParams = {};
    for (const name of ['authorization', 'x-api-key']) if (sent.has(name)) connectionParams[name] = sent.get(name);
    const run = GraphiQL.createFetcher({
      url: ENDPOINT,
      subscriptionUrl: SUBSCRIPTION_ENDPOINT,
      wsConnectionParams: connectionParams,
      fetch: (url, init) => fetch(url, Object.assign({}, init, { headers: withAuthorization(init && init.headers) })),
    });
    // GraphiQL adds the Headers tab's headers to connectionParams too; the server reads the names in any case.
    return run(params, options);
  }

  /** Where files go inside input objects (`ImportCodesFileInput: ["file"]`), from the server's schema. */
  const uploadFields = fetch('/graphiql/upload-fields.json')
    .then((response) => response.json())
    .catch(() => ({}));

  /**
   * The operation being run and where files go in its variables: Upload variables, and Upload
   * fields of input-object variables (`input.file`). GraphiQL can keep the operation name of the
   * tab it showed before: a name the document lacks is dropped when the document holds one
   * operation, so that one runs.
   */
  function inspect(params, fileFields) {
    let document;
    try {
      document = GraphQL.parse(params.query);
    } catch {
      return { params, uploads: [] };
    }
    const operations = document.definitions.filter((definition) => definition.kind === 'OperationDefinition');
    let operation = operations.find((candidate) => candidate.name && candidate.name.value === params.operationName);
    if (!operation && operations.length === 1) {
      operation = operations[0];
      params = Object.assign({}, params, { operationName: operation.name ? operation.name.value : undefined });
    }
    const unwrap = (type) => (type.kind === 'NonNullType' ? type.type : type);
    const uploads = [];
    for (const definition of (operation && operation.variableDefinitions) || []) {
      const type = unwrap(definition.type);
      if (type.kind !== 'NamedType') continue; // a list: one upload takes one file
      const name = definition.variable.name.value;
      if (type.name.value === 'Upload') uploads.push(name);
      for (const path of fileFields[type.name.value] || []) uploads.push(name + '.' + path);
    }
    return { params, uploads };
  }

  function setPath(target, path, value) {
    const keys = path.split('.');
    let node = target;
    for (const key of keys.slice(0, -1)) {
      node[key] = node[key] && typeof node[key] === 'object' ? Object.assign({}, node[key]) : {};
      node = node[key];
    }
    node[keys[keys.length - 1]] = value;
  }

  /** The GraphQL multipart request spec, as Apollo expects it (with its CSRF preflight header). */
  async function multipartFetch(params, paths, headers) {
    if (!store.file) {
      return { errors: [{ message: 'This operation uploads a file: choose one under "File for uploads" in the Examples panel first.' }] };
    }
    const variables = Object.assign({}, params.variables);
    for (const path of paths) setPath(variables, path, null);
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: params.query, operationName: params.operationName, variables }));
    // One file, put wherever the operation takes one.
    form.append('map', JSON.stringify({ 0: paths.map((path) => 'variables.' + path) }));
    form.append('0', store.file, store.file.name);
    const sent = withAuthorization(headers);
    sent.set('apollo-require-preflight', 'true');
    const response = await fetch(ENDPOINT, { method: 'POST', headers: sent, body: form });
    return response.json();
  }

  async function fetcher(given, options) {
    const { params, uploads } = inspect(given, await uploadFields);
    return uploads.length ? multipartFetch(params, uploads, options && options.headers) : plainFetcher(params, options);
  }

  async function loadViewer() {
    const data = await request(
      'query PlaygroundViewer { me { user { email isPlatformAdmin } memberships { role organization { id name } } } }',
    );
    const organizations = data.me.memberships.map((membership) => ({
      id: membership.organization.id,
      name: membership.organization.name,
      role: membership.role,
    }));
    if (data.me.user.isPlatformAdmin) {
      const all = await request('query PlaygroundOrganizations { organizations(first: 100) { edges { node { id name } } } }');
      for (const { node } of all.organizations.edges) {
        if (!organizations.some((organization) => organization.id === node.id))
          organizations.push({ id: node.id, name: node.name, role: 'PLATFORM_ADMIN' });
      }
    }
    const admin = organizations.find((organization) => organization.role === 'ADMIN') || organizations[0];
    store.set({
      label: data.me.user.email + (data.me.user.isPlatformAdmin ? ' (platform admin)' : ''),
      organizations,
      organizationId: admin ? admin.id : null,
    });
  }

  // ---- the sign-in panel

  function SignInPanel() {
    const state = useStore();
    const plugins = usePluginContext();
    const [email, setEmail] = React.useState('');
    const [password, setPassword] = React.useState('');
    const [pasted, setPasted] = React.useState('');
    const [status, setStatus] = React.useState(null);

    async function run(action) {
      setStatus({ busy: true });
      try {
        await action();
        setStatus(null);
        if (plugins) plugins.setVisiblePlugin('Examples');
      } catch (error) {
        store.set({ token: null, label: null, expiresAt: null, organizations: [], organizationId: null });
        setStatus({ error: error.message });
      }
    }

    const logIn = (event) => {
      event.preventDefault();
      run(async () => {
        store.set({ token: null });
        const data = await request(
          'mutation PlaygroundLogin($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken expiresAt } }',
          {
            email,
            password,
          },
        );
        store.set({ token: data.login.accessToken, expiresAt: data.login.expiresAt });
        setPassword('');
        await loadViewer();
      });
    };

    const useToken = (event) => {
      event.preventDefault();
      const token = pasted.trim().replace(/^Bearer\s+/i, '');
      run(async () => {
        setPasted('');
        // An API key belongs to one organisation, which `me` cannot name: the organisation chosen
        // before stays chosen for the examples.
        if (token.startsWith('tsk_')) return store.set({ token, expiresAt: null, label: 'an API key' });
        store.set({ token, expiresAt: null, organizations: [], organizationId: null });
        await loadViewer();
      });
    };

    // The organisation chosen stays chosen (an API key pasted next brings none of its own).
    const signOut = () => store.set({ token: null, label: null, expiresAt: null });

    return h(
      'div',
      { className: 'tessera-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Sign in'),
      state.token
        ? h(
            'div',
            { className: 'tessera-signed-in', role: 'status' },
            h('p', null, 'Signed in as ', h('strong', null, state.label || 'the pasted token')),
            state.expiresAt ? h('p', null, 'The token lasts until ' + new Date(state.expiresAt).toLocaleTimeString() + '.') : null,
            h(
              'p',
              null,
              'Every operation you run sends it as ',
              h('code', null, 'Authorization: Bearer …'),
              ' (unless the Headers tab sets its own).',
            ),
            h(OrganizationPicker),
            h('button', { type: 'button', className: 'tessera-button', onClick: signOut }, 'Sign out'),
          )
        : h(
            React.Fragment,
            null,
            h(
              'form',
              { onSubmit: logIn, 'aria-label': 'Log in' },
              h(
                'label',
                null,
                'E-mail',
                h('input', {
                  type: 'email',
                  autoComplete: 'username',
                  required: true,
                  value: email,
                  onChange: (e) => setEmail(e.target.value),
                }),
              ),
              h(
                'label',
                null,
                'Password',
                h('input', {
                  type: 'password',
                  autoComplete: 'current-password',
                  required: true,
                  value: password,
                  onChange: (e) => setPassword(e.target.value),
                }),
              ),
              h('button', { type: 'submit', className: 'tessera-button', disabled: status && status.busy }, 'Log in'),
            ),
            h(
              'p',
              { className: 'tessera-hint' },
              'Trying it out? The demo admin is admin@demo.tessera.test with the password tessera-demo.',
            ),
            h(
              'form',
              { onSubmit: useToken, 'aria-label': 'Use a token' },
              h(
                'label',
                null,
                'Or paste a token or API key',
                h('input', { type: 'text', required: true, value: pasted, onChange: (e) => setPasted(e.target.value) }),
              ),
              h('button', { type: 'submit', className: 'tessera-button' }, 'Use it'),
            ),
          ),
      status && status.error ? h('p', { className: 'tessera-error', role: 'alert' }, status.error) : null,
    );
  }

  function OrganizationPicker() {
    const state = useStore();
    if (!state.organizations.length) return null;
    return h(
      'label',
      null,
      'Organisation for the examples',
      h(
        'select',
        { value: state.organizationId || '', onChange: (e) => store.set({ organizationId: e.target.value }) },
        state.organizations.map((organization) =>
          h('option', { key: organization.id, value: organization.id }, organization.name + ' — ' + organization.role),
        ),
      ),
    );
  }

  // ---- the examples panel

  function fillVariables(example) {
    const organizationId = store.state.organizationId;
    const variables = Object.assign({}, example.variables);
    if (organizationId && 'organizationId' in variables) variables.organizationId = organizationId;
    return Object.keys(variables).length ? JSON.stringify(variables, null, 2) : '';
  }

  function ExamplesPanel() {
    const state = useStore();
    const editor = useEditorContext();
    const [examples, setExamples] = React.useState(null);
    const [fileName, setFileName] = React.useState(store.file ? store.file.name : null);

    React.useEffect(() => {
      fetch('/graphiql/examples.json')
        .then((response) => response.json())
        .then((loaded) => setExamples(loaded));
    }, []);

    const open = (example) => {
      editor.addTab();
      // The new tab's editors exist once React has rendered it.
      setTimeout(() => {
        editor.queryEditor.setValue(example.query);
        editor.variableEditor.setValue(fillVariables(example));
        // With many tabs open the new one may be past the edge of the tab bar.
        const active = document.querySelector('.graphiql-tab-active');
        if (active) active.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }, 0);
    };

    const groups = [];
    for (const example of examples || []) {
      let group = groups.find((candidate) => candidate.folder === example.group);
      if (!group) groups.push((group = { folder: example.group, title: example.groupTitle, examples: [] }));
      group.examples.push(example);
    }

    return h(
      'div',
      { className: 'tessera-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Examples'),
      h(
        'p',
        { className: 'tessera-hint' },
        state.token
          ? 'Click one to open it in a new tab, then run it (▶). A value in <angle brackets> says what to paste there.'
          : 'Sign in first (the key icon), then click one to open it in a new tab.',
      ),
      examples === null
        ? h('p', null, 'Loading…')
        : groups.map((group) =>
            h(
              'section',
              { key: group.folder },
              h('h3', null, group.title),
              h(
                'ul',
                null,
                group.examples.map((example) =>
                  h(
                    'li',
                    { key: example.name },
                    h(
                      'button',
                      { type: 'button', className: 'tessera-example', title: example.description, onClick: () => open(example) },
                      example.operationName,
                    ),
                    h('span', null, example.description),
                  ),
                ),
              ),
            ),
          ),
      h('h3', null, 'File for uploads'),
      h(
        'label',
        null,
        fileName ? 'Chosen: ' + fileName : 'A CSV for UploadSeatAssignments, UploadParticipantCodes, …',
        h('input', {
          type: 'file',
          accept: '.csv,.txt,text/csv,text/plain',
          onChange: (e) => {
            store.file = e.target.files[0] || null;
            setFileName(store.file ? store.file.name : null);
          },
        }),
      ),
      h(Downloads),
    );
  }

  // ---- CSV downloads: authenticated GETs, saved through a blob (a plain link cannot send the token)

  function Downloads() {
    const state = useStore();
    const [contractId, setContractId] = React.useState('');
    const [error, setError] = React.useState(null);
    const organizationId = state.organizationId;

    async function download(path, fallbackName) {
      setError(null);
      const response = await fetch(path, { headers: withAuthorization() });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        setError((body.code ? body.code + ': ' : '') + (body.message || response.statusText));
        return;
      }
      const disposition = response.headers.get('content-disposition') || '';
      const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || fallbackName;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    }

    const query = organizationId ? '?organizationId=' + encodeURIComponent(organizationId) : '';
    return h(
      'section',
      null,
      h('h3', null, 'Downloads (CSV)'),
      h(
        'div',
        { className: 'tessera-downloads' },
        h(
          'button',
          {
            type: 'button',
            className: 'tessera-button',
            disabled: !organizationId,
            onClick: () => download('/exports/codes.csv' + query, 'codes.csv'),
          },
          'Download the codes',
        ),
        h(
          'button',
          {
            type: 'button',
            className: 'tessera-button',
            disabled: !organizationId,
            onClick: () => download('/exports/registrations.csv' + query, 'registrations.csv'),
          },
          'Download the registrations',
        ),
      ),
      h(
        'form',
        {
          onSubmit: (event) => {
            event.preventDefault();
            download('/exports/contracts/' + encodeURIComponent(contractId.trim()) + '/participants.csv', 'participants.csv');
          },
        },
        h(
          'label',
          null,
          'Contract id',
          h('input', { type: 'text', required: true, value: contractId, onChange: (e) => setContractId(e.target.value) }),
        ),
        h('button', { type: 'submit', className: 'tessera-button' }, 'Download its participants'),
      ),
      error ? h('p', { className: 'tessera-error', role: 'alert' }, error) : null,
    );
  }

  // ---- the page

  const icon = (path) => () =>
    h(
      'svg',
      { viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
      h('path', { d: path }),
    );
  const signInPlugin = {
    title: 'Sign in',
    icon: icon('M15 7a4 4 0 1 1-3.9 4.9L4 19v2h3v-2h2v-2h2l1.1-1.1A4 4 0 0 1 15 7zm1 3h.01'),
    content: SignInPanel,
  };
  const examplesPlugin = {
    title: 'Examples',
    icon: icon('M4 5h6a2 2 0 0 1 2 2v12a2 2 0 0 0-2-2H4zm16 0h-6a2 2 0 0 0-2 2v12a2 2 0 0 1 2-2h6z'),
    content: ExamplesPanel,
  };

  const WELCOME = [
    '# Welcome to the Tessera playground.',
    '#',
    '# 1. Sign in in the panel on the left (the key icon): log in, or paste a token or API key.',
    '#    From then on every operation sends the token for you.',
    '# 2. Open the Examples panel (the book icon): every workflow, step by step. A click opens',
    '#    the operation in a new tab with its variables; run it with the ▶ button.',
    '# 3. The Docs panel describes every type and field.',
    '',
    'query WhoAmI {',
    '  me {',
    '    user {',
    '      email',
    '    }',
    '    memberships {',
    '      role',
    '      organization {',
    '        name',
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  // Open the sign-in panel for someone not signed in; afterwards GraphiQL remembers the panel.
  const firstPanel = store.state.token ? undefined : signInPlugin;

  function Playground() {
    const state = useStore();
    return h(
      GraphiQL,
      {
        fetcher,
        defaultQuery: WELCOME,
        plugins: [signInPlugin, examplesPlugin],
        visiblePlugin: firstPanel,
        defaultEditorToolsVisibility: 'variables',
        isHeadersEditorEnabled: true,
      },
      h(
        GraphiQL.Logo,
        null,
        h('span', { className: 'tessera-logo' }, 'Tessera'),
        state.label ? h('span', { className: 'tessera-who' }, state.label) : null,
      ),
    );
  }

  ReactDOM.createRoot(document.getElementById('graphiql')).render(h(Playground));
})();

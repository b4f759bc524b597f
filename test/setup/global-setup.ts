import { setUpTestEnvironment } from '../../libs/testing/src/test-environment';

export default setUpTestEnvironment;

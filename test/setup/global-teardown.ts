import { tearDownTestEnvironment } from '../../libs/testing/src/test-environment';

export default tearDownTestEnvironment;

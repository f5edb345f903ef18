/** Setup of every test process: the output shows what users would see, and they do not see the SDK's Node-version warning. */
import { hideAwsSdkNodeVersionWarning } from '../../framework/cli/node-version-warning.js';

hideAwsSdkNodeVersionWarning();

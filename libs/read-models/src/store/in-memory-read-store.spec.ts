import { describeReadStoreContract } from '../../../testing/src/read-store-contract';
import { InMemoryReadStore } from './in-memory-read-store';

describeReadStoreContract('InMemoryReadStore', () => ({ store: new InMemoryReadStore() }));

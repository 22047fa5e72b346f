package dev.kapal.storage.memory;

import dev.kapal.storage.Store;
import dev.kapal.storage.StoreContractTest;

class MemoryStoreTest extends StoreContractTest {
    @Override
    protected Store openStore() {
        return new MemoryStore();
    }
}

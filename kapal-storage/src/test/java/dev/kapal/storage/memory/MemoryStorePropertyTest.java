package dev.kapal.storage.memory;

import dev.kapal.storage.Store;
import dev.kapal.storage.StoreProperties;

class MemoryStorePropertyTest extends StoreProperties {
    @Override
    protected Store openStore() {
        return new MemoryStore();
    }
}

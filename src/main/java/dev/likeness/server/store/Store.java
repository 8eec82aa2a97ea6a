package dev.likeness.server.store;

/** An open studio store: the connections, the job table and the shared files. */
public final class Store implements AutoCloseable {
    private final StoreSettings settings;
    private final Database db;
    private final SharedJobs jobs;
    private final BlobStore blobs;
    private final StoreWorkers workers;
    private final StoredPreviews previews;

    private Store(StoreSettings settings, Database db) {
        this.settings = settings;
        this.db = db;
        this.jobs = new SharedJobs(db);
        this.blobs = new BlobStore(db, settings.sharedDir(), settings.tableLimit());
        this.workers = new StoreWorkers(db);
        this.previews = new StoredPreviews(db);
    }

    /** Connects (failing fast with a clear message when PostgreSQL cannot be reached) and migrates the schema. */
    public static Store open(StoreSettings settings) {
        Database probe = new Database(settings.url(), settings.password(), java.time.Duration.ZERO);
        try {
            probe.transaction(c -> null);
        } finally {
            probe.close();
        }
        Database db = new Database(settings.url(), settings.password(), settings.reconnectFor());
        StoreSchema.migrate(db);
        return new Store(settings, db);
    }

    public StoreSettings settings() {
        return settings;
    }

    SharedJobs jobs() {
        return jobs;
    }

    BlobStore blobs() {
        return blobs;
    }

    StoreWorkers workers() {
        return workers;
    }

    StoredPreviews previews() {
        return previews;
    }

    @Override
    public void close() {
        db.close();
    }
}

package dev.likeness.server;

import dev.likeness.concepts.ConceptLibrary;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.jobs.JobService;
import dev.likeness.server.models.ActiveModel;
import dev.likeness.server.models.ModelProvider;
import dev.likeness.server.store.Store;
import dev.likeness.server.store.StoreSettings;
import dev.likeness.server.store.StoreWorker;
import java.io.IOException;

/**
 * {@code likeness worker}: a studio GPU worker without HTTP. It loads its model, then claims and runs jobs from the
 * shared store until stopped; a stop hands the running job back to the queue at its next step.
 */
public final class LikenessWorker implements AutoCloseable {
    private final ActiveModel model;
    private final Store store;
    private final StoreWorker worker;

    private LikenessWorker(ActiveModel model, Store store, StoreWorker worker) {
        this.model = model;
        this.store = store;
        this.worker = worker;
    }

    /** {@code modelName} is how jobs name the model this worker starts on ("demo" for the built-in one). */
    public static LikenessWorker start(ServerConfig config, EngineBinding engine, StoreSettings settings,
            String modelName) throws IOException {
        ServerConcepts concepts = new ServerConcepts(ConceptLibrary.open(config.conceptsDir()));
        ModelProvider models = engine.models(concepts);
        ActiveModel model = new ActiveModel(models, config.model());
        Store store = Store.open(settings);
        try {
            model.generator(); // loaded before the first claim: the worker advertises a model it really has
        } catch (IOException | RuntimeException e) {
            store.close();
            throw new IOException("the worker's model could not be loaded: " + e.getMessage(), e);
        }
        StoreWorker worker = new StoreWorker(store, LikenessServer.runners(config, engine, concepts, models, model),
                modelName, config.dataDir().resolve("worker"));
        worker.start();
        return new LikenessWorker(model, store, worker);
    }

    public String id() {
        return worker.id();
    }

    @Override
    public void close() {
        if (worker.stop(JobService.STOP_GRACE)) {
            model.close();
        }
        store.close();
    }
}

package dev.likeness.methods.perfusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.methods.perfusion.CrossLayer.Projection;
import dev.likeness.pipeline.Conditioning;
import dev.likeness.pipeline.ConditioningHook;
import dev.likeness.pipeline.GenerationRequest;
import dev.likeness.pipeline.ProgressListener;
import dev.likeness.pipeline.PromptEncoder;
import dev.likeness.pipeline.SdModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Perfusion concepts applied to a loaded model, for generation. Every cross-attention K and V projection carries
 * one adapter; before each generation the concepts whose token appears in the prompt (or the negative prompt) are
 * combined into an {@link EditPlan} (the exact multi-concept form unless one asks for the approximate one), which
 * edits only that generation's text states. A generation without any of the tokens runs the base model unchanged.
 */
public final class PerfusionRuntime implements ConditioningHook {
    private final SdModel model;
    private final NDManager manager;
    private final Covariance covariance;
    private final double[] upper;
    private final List<CrossLayer> layers;
    private final Map<String, EditPlan.Active> concepts = new LinkedHashMap<>();
    private volatile EditPlan plan;

    private PerfusionRuntime(SdModel model, Covariance covariance) {
        this.model = model;
        this.manager = model.manager().newSubManager();
        this.covariance = covariance;
        this.upper = DenseMath.choleskyUpper(covariance.inverse(), covariance.dim());
        this.layers = CrossLayer.of(model.unet());
        for (int i = 0; i < layers.size(); i++) {
            int l = i;
            CrossLayer layer = layers.get(i);
            for (Projection p : Projection.values()) {
                layer.projection(p).addAdapter((e, y) -> {
                    EditPlan current = plan;
                    return current == null ? y : current.apply(l, p, layer, e, y);
                });
            }
        }
    }

    /** The model's runtime, made (and its covariance loaded or computed) on first use. */
    public static PerfusionRuntime of(SdModel model) throws IOException {
        synchronized (model) {
            for (ConditioningHook h : model.conditioningHooks()) {
                if (h instanceof PerfusionRuntime r) {
                    return r;
                }
            }
            PerfusionRuntime r = new PerfusionRuntime(model, CovarianceStore.forModel(model, ProgressListener.NONE));
            model.addConditioningHook(r);
            return r;
        }
    }

    public Covariance covariance() {
        return covariance;
    }

    /** Applies (or re-applies with new settings) a concept: its token and embedding, its o* and i*. */
    public synchronized void put(PerfusionConcept concept, PerfusionSettings settings) throws IOException {
        if (!concept.covariance().equals(covariance.id())) {
            throw new IOException("Perfusion concept " + concept.token() + " was trained with covariance "
                    + concept.covariance() + " but this model's is " + covariance.id()
                    + "; compute the covariance from the same captions or retrain the concept");
        }
        if (concept.iStar().length != covariance.dim()) {
            throw new IOException("Perfusion concept " + concept.token() + " is " + concept.iStar().length
                    + "-d but this model's text encoder is " + covariance.dim() + "-d");
        }
        Map<String, PerfusionConcept.LayerTargets> byPath = new LinkedHashMap<>();
        concept.layers().forEach(t -> byPath.put(t.path(), t));
        for (CrossLayer l : layers) {
            PerfusionConcept.LayerTargets t = byPath.get(l.path());
            if (t == null || t.key().length != l.width()) {
                throw new IOException("Perfusion concept " + concept.token() + " does not fit this model's UNet ("
                        + l.path() + (t == null ? " missing" : " is " + t.key().length + "-d, expected " + l.width())
                        + ")");
            }
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray row = tmp.create(concept.embedding(), new Shape(1, concept.embedding().length));
            model.conceptTokens().put(concept.token(), row);
        }
        concepts.put(concept.token(), new EditPlan.Active(concept, settings, byPath));
    }

    /** The concepts the request names by token; the plan for them; none when it names none. */
    @Override
    public synchronized void prepare(GenerationRequest request, Conditioning conditioning, NDManager m) {
        EditPlan old = plan;
        plan = null;
        if (old != null) {
            old.close();
        }
        List<EditPlan.Active> active = active(request);
        if (active.isEmpty()) {
            return;
        }
        Conditioning keys = null;
        if (active.stream().anyMatch(a -> a.settings().globalLock())) {
            PromptEncoder encoder = new PromptEncoder(model);
            NDArray cond = encoder.encode(superPrompt(request.prompt(), active), m);
            NDArray uncond = conditioning.guided() ? encoder.encode(superPrompt(request.negativePrompt(), active), m)
                    : null;
            keys = new Conditioning(uncond, cond, conditioning.guidance());
        }
        plan = new EditPlan(manager, layers, active, covariance.inverse(), upper, conditioning, keys);
    }

    private List<EditPlan.Active> active(GenerationRequest request) {
        List<Long> ids = new ArrayList<>();
        for (String text : new String[] {request.prompt(), request.negativePrompt()}) {
            for (long id : model.tokenizer().encode(model.conceptTokens().expand(text))) {
                ids.add(id);
            }
        }
        List<EditPlan.Active> out = new ArrayList<>();
        for (EditPlan.Active a : concepts.values()) {
            var id = model.tokenizer().tokenId(a.concept().token());
            if (id.isPresent() && ids.contains((long) id.getAsInt())) {
                out.add(a);
            }
        }
        return out;
    }

    /** The prompt with the token of every globally locked concept replaced by its class word. */
    private static String superPrompt(String prompt, List<EditPlan.Active> active) {
        String out = prompt;
        for (EditPlan.Active a : active) {
            if (a.settings().globalLock()) {
                out = out.replace(a.concept().token(), a.concept().classWord());
            }
        }
        return out;
    }
}

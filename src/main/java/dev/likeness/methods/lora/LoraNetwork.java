package dev.likeness.methods.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.rng.TorchGenerator;
import dev.likeness.pipeline.Applied;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA adapters on a set of projections, in their own manager: created fresh for training or from a file for
 * generation, then attached to (and detached from) the model's {@link Linear} layers. The base weights are never
 * written. {@link #setMultiplier} scales every delta; 0 gives the base model bit for bit.
 */
public final class LoraNetwork implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, LoraLayer> layers;
    private final Map<String, Linear> targets;
    private boolean attached;

    private LoraNetwork(NDManager manager, Map<String, LoraLayer> layers, Map<String, Linear> targets) {
        this.manager = manager;
        this.layers = layers;
        this.targets = targets;
    }

    /**
     * New adapters as diffusers/peft initialise them: A kaiming-uniform (a = √5, i.e. U(±1/√in)), B zero, so the
     * network starts as the identity. Float32, drawn from {@code seed}.
     */
    public static LoraNetwork create(Map<String, Linear> targets, int rank, float alpha, long seed, NDManager parent) {
        if (rank < 1 || rank > 1024) {
            throw new IllegalArgumentException("LoRA rank must be 1..1024, got " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be > 0");
        }
        NDManager m = parent.newSubManager();
        TorchGenerator gen = new TorchGenerator(seed);
        Map<String, LoraLayer> layers = new LinkedHashMap<>();
        targets.forEach((path, linear) -> {
            long in = linear.weight().getShape().get(1);
            long out = linear.weight().getShape().get(0);
            float bound = (float) (1 / Math.sqrt(in));
            float[] u = gen.rand(Math.toIntExact(rank * in));
            for (int i = 0; i < u.length; i++) {
                u[i] = (2 * u[i] - 1) * bound;
            }
            NDArray javaBacked = m.create(u, new Shape(rank, in));
            // a torch-owned clone: toType(FLOAT32, true) would alias the Java buffer, freed once it is collected
            NDArray down = javaBacked.duplicate();
            javaBacked.close();
            NDArray up = m.zeros(new Shape(out, rank), DataType.FLOAT32);
            layers.put(path, new LoraLayer(path, down, up, alpha));
        });
        return new LoraNetwork(m, layers, Map.copyOf(targets));
    }

    /** Adapters from weights read from a file; every module must be one of {@code available}, with fitting shapes. */
    public static LoraNetwork of(LoraWeights weights, Map<String, Linear> available, NDManager parent) {
        List<String> unknown = new ArrayList<>();
        for (String path : weights.modules().keySet()) {
            if (!available.containsKey(path)) {
                unknown.add(path);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("LoRA targets " + unknown.size() + " module(s) this model has no "
                    + "attention projection for (" + String.join(", ", unknown.subList(0, Math.min(3, unknown.size())))
                    + (unknown.size() > 3 ? ", ..." : "") + "); Likeness applies LoRA to attention projections only");
        }
        NDManager m = parent.newSubManager();
        try {
            Map<String, LoraLayer> layers = new LinkedHashMap<>();
            Map<String, Linear> targets = new LinkedHashMap<>();
            weights.modules().forEach((path, mod) -> {
                Linear linear = available.get(path);
                Shape w = linear.weight().getShape();
                if (mod.down().getShape().get(1) != w.get(1) || mod.up().getShape().get(0) != w.get(0)) {
                    throw new IllegalArgumentException("LoRA " + path + ": down " + mod.down().getShape() + " / up "
                            + mod.up().getShape() + " do not fit the projection " + w
                            + " (made for another model size?)");
                }
                NDArray down = mod.down().toType(DataType.FLOAT32, false).duplicate();
                NDArray up = mod.up().toType(DataType.FLOAT32, false).duplicate();
                down.attach(m);
                up.attach(m);
                layers.put(path, new LoraLayer(path, down, up, mod.alpha()));
                targets.put(path, linear);
            });
            return new LoraNetwork(m, layers, targets);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public synchronized void attach() {
        if (!attached) {
            layers.forEach((path, layer) -> targets.get(path).addAdapter(layer));
            attached = true;
        }
    }

    public synchronized void detach() {
        if (attached) {
            layers.forEach((path, layer) -> targets.get(path).removeAdapter(layer));
            attached = false;
        }
    }

    /** Scales every delta (1 = as trained, 0 = the base model exactly). */
    public void setMultiplier(float m) {
        layers.values().forEach(l -> l.setMultiplier(m));
    }

    /** Every delta scaled by {@code m} until the handle closes, then as trained (1) again. */
    public Applied scaled(float m) {
        setMultiplier(m);
        return () -> setMultiplier(1f);
    }

    /** A and B of every module, named as in diffusers' peft format ({@code <path>.lora_A.weight}, ...). */
    public Map<String, NDArray> trainables() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        layers.forEach((path, l) -> {
            out.put(path + ".lora_A.weight", l.down());
            out.put(path + ".lora_B.weight", l.up());
        });
        return out;
    }

    public LoraWeights weights() {
        Map<String, LoraWeights.Module> out = new LinkedHashMap<>();
        layers.forEach((path, l) -> out.put(path, new LoraWeights.Module(l.down(), l.up(), l.alpha())));
        return new LoraWeights(out);
    }

    public Map<String, LoraLayer> layers() {
        return java.util.Collections.unmodifiableMap(layers);
    }

    @Override
    public void close() {
        detach();
        manager.close();
    }
}

package dev.likeness.engine.weights;

import java.util.List;

/** The renaming of one component of an original (LDM) checkpoint into diffusers names. */
interface LdmComponentNames {
    /** The prefix every stored tensor of this component starts with. */
    String prefix();

    /** Stored tensors that are known, harmless and not part of the diffusers model. */
    boolean ignored(String local);

    /**
     * The diffusers parameters made from one stored tensor ({@code local} is its name without the prefix); empty
     * when the name is not one this component knows.
     */
    List<TensorRoute> routes(String local, long[] shape) throws WeightsFormatException;
}

package ai.djl.pytorch.jni;

import ai.djl.pytorch.engine.PtSymbolBlock;

/**
 * Runs a method of a TorchScript module with a chosen grad mode. DJL's {@code IValueUtils.runMethod} always runs
 * with autograd off; Likeness's training needs gradients through the fused kernels, so this class lives in DJL's
 * package to reach the native call. It is ours (not DJL code) and only forwards arguments.
 */
public final class TrainableMethodCall {
    private TrainableMethodCall() {}

    public static IValue run(PtSymbolBlock block, String method, boolean withGrad, IValue... args) {
        long[] handles = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            handles[i] = args[i].getHandle();
        }
        return new IValue(PyTorchLibrary.LIB.moduleRunMethod(block.getHandle(), method, handles, withGrad, false));
    }
}

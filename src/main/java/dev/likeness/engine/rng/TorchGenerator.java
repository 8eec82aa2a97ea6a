package dev.likeness.engine.rng;

/**
 * Bit-for-bit the stream of torch's CPU generator ({@code torch.Generator().manual_seed(seed)}): a 32-bit
 * Mersenne Twister, torch's uniform conversions, and its two normal paths (the 16-wide Box-Muller fill used for
 * float tensors of 16 or more elements, and the cached double Box-Muller used for smaller ones). Owning the stream
 * in Java makes seeds reproducible per request, on any device, independent of other threads.
 */
public final class TorchGenerator {
    private static final int N = 624;
    private static final int M = 397;

    private final int[] mt = new int[N];
    private int index;
    private long seed;
    private boolean hasNextNormal;
    private double nextNormal;

    public TorchGenerator(long seed) {
        manualSeed(seed);
    }

    public void manualSeed(long newSeed) {
        this.seed = newSeed;
        mt[0] = (int) newSeed; // torch seeds the engine with the low 32 bits
        for (int j = 1; j < N; j++) {
            mt[j] = 1812433253 * (mt[j - 1] ^ (mt[j - 1] >>> 30)) + j;
        }
        index = N;
        hasNextNormal = false;
    }

    public long seed() {
        return seed;
    }

    /** Next raw 32-bit output (torch's {@code random()}), as an unsigned value. */
    public long nextUInt32() {
        if (index >= N) {
            twist();
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xFFFFFFFFL;
    }

    /** torch's {@code random64()}: the first draw is the high word. */
    public long nextUInt64() {
        long hi = nextUInt32();
        long lo = nextUInt32();
        return (hi << 32) | lo;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            int v = mt[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) {
                v ^= 0x9908b0df;
            }
            mt[i] = v;
        }
        index = 0;
    }

    private float uniformFloat() {
        return (nextUInt32() & ((1 << 24) - 1)) * 0x1.0p-24f;
    }

    private double uniformDouble() {
        return (nextUInt64() & ((1L << 53) - 1)) * 0x1.0p-53;
    }

    /** {@code torch.rand(n)} in float32. */
    public float[] rand(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = uniformFloat();
        }
        return out;
    }

    /** {@code torch.randint(low, high, (n,))} for ranges below 2^32. */
    public long[] randint(long low, long high, int n) {
        long range = high - low;
        if (range <= 0 || range >= (1L << 32)) {
            throw new IllegalArgumentException("randint range must be in (0, 2^32)");
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = nextUInt32() % range + low;
        }
        return out;
    }

    /** {@code torch.randn(n)} in float32, the same numbers torch draws for a contiguous tensor of n elements. */
    public float[] randn(int n) {
        float[] out = new float[n];
        if (n >= 16) {
            for (int i = 0; i < n; i++) {
                out[i] = uniformFloat();
            }
            for (int i = 0; i + 16 <= n; i += 16) {
                boxMuller16(out, i);
            }
            if (n % 16 != 0) {
                // torch redraws the last 16 values so the tail gets a full 16-wide transform
                int start = n - 16;
                for (int i = 0; i < 16; i++) {
                    out[start + i] = uniformFloat();
                }
                boxMuller16(out, start);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (float) normalDouble();
            }
        }
        return out;
    }

    /** {@code torch.randn(shape)}: the element count decides the path, the layout is row-major. */
    public float[] randn(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return randn(Math.toIntExact(n));
    }

    private static void boxMuller16(float[] data, int off) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1 - data[off + j];
            float u2 = data[off + j + 8];
            float radius = (float) Math.sqrt((float) (-2 * (float) Math.log(u1)));
            float theta = (float) (2.0 * Math.PI * u2);
            data[off + j] = (float) (radius * (float) Math.cos(theta));
            data[off + j + 8] = (float) (radius * (float) Math.sin(theta));
        }
    }

    private double normalDouble() {
        if (hasNextNormal) {
            hasNextNormal = false;
            return nextNormal;
        }
        double u1 = uniformDouble();
        double u2 = uniformDouble();
        double r = Math.sqrt(-2.0 * Math.log1p(-u2));
        double theta = 2.0 * Math.PI * u1;
        nextNormal = r * Math.sin(theta);
        hasNextNormal = true;
        return r * Math.cos(theta);
    }

    /** The full state, for training checkpoints. */
    public State state() {
        return new State(seed, mt.clone(), index, hasNextNormal, nextNormal);
    }

    public void restore(State s) {
        seed = s.seed();
        System.arraycopy(s.mt(), 0, mt, 0, N);
        index = s.index();
        hasNextNormal = s.hasNextNormal();
        nextNormal = s.nextNormal();
    }

    /** A copy of the generator's state. */
    public record State(long seed, int[] mt, int index, boolean hasNextNormal, double nextNormal) {}
}

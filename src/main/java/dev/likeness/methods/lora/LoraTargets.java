package dev.likeness.methods.lora;

import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DCondition;
import dev.likeness.engine.nn.Attention;
import dev.likeness.engine.nn.Linear;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The projections LoRA can patch, by component-qualified diffusers module path: {@code unet.<path>} for the q/k/v/out
 * projections of every UNet attention (attn1 and attn2 of each transformer block), {@code text_encoder.<path>} for
 * those of the text encoder's self-attention.
 */
public final class LoraTargets {
    public static final String UNET = "unet.";
    public static final String TEXT_ENCODER = "text_encoder.";

    private LoraTargets() {}

    /** What DreamBooth-LoRA (and PALP) train: to_q, to_k, to_v, to_out.0 of attn1 and attn2 in every UNet block. */
    public static Map<String, Linear> unetAttention(UNet2DCondition unet) {
        Map<String, Linear> out = new LinkedHashMap<>();
        for (Attention a : unet.attentionLayers().values()) {
            for (Linear l : new Linear[] {a.toQ(), a.toK(), a.toV(), a.toOut()}) {
                out.put(UNET + l.path(), l);
            }
        }
        return out;
    }

    /** Every projection a LoRA file may target: the UNet's attention and the text encoder's self-attention. */
    public static Map<String, Linear> all(UNet2DCondition unet, ClipTextModel text) {
        Map<String, Linear> out = unetAttention(unet);
        for (Attention a : text.attentionLayers()) {
            for (Linear l : new Linear[] {a.toQ(), a.toK(), a.toV(), a.toOut()}) {
                out.put(TEXT_ENCODER + l.path(), l);
            }
        }
        return out;
    }
}

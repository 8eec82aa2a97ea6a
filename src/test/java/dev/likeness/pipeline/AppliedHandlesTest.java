package dev.likeness.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code try (Applied a = ...)} handles take their change back however the block ends. */
class AppliedHandlesTest {

    @Test
    void aRequestScopeLiftsEveryPatchEvenWhenTheRequestFails() {
        ConceptPatches patches = new ConceptPatches();
        List<String> undone = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> {
            try (Applied request = patches.forRequest()) {
                patches.put("a", () -> undone.add("a"));
                patches.put("b", () -> undone.add("b"));
                assertEquals(Set.of("a", "b"), patches.active());
                throw new IllegalStateException("the sampler failed");
            }
        });
        assertEquals(List.of("b", "a"), undone, "newest first");
        assertTrue(patches.active().isEmpty());
    }

    @Test
    void aSwitchedOffPersonalizationIsOnAgainAfterTheBlock() {
        List<Boolean> states = new ArrayList<>();
        ConceptSwitch p = states::add;
        assertThrows(IllegalStateException.class, () -> {
            try (Applied off = p.switchedOff()) {
                throw new IllegalStateException("encoding failed");
            }
        });
        assertEquals(List.of(false, true), states);
    }

    @Test
    void aPatchAddedWhileSwitchedOffStaysOffUntilTheSwitchIsBack() {
        ConceptPatches patches = new ConceptPatches();
        List<Boolean> states = new ArrayList<>();
        try (Applied request = patches.forRequest()) {
            try (Applied off = patches.switchedOff()) {
                patches.put("lora", () -> { }, states::add);
            }
            assertEquals(List.of(false, true), states);
        }
    }
}

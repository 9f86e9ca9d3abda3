package org.diloco4j.model.hf;

import org.diloco4j.core.params.ParamSpec;

/**
 * One diloco4j parameter and the Hugging Face GPT-2 tensor it is.
 *
 * @param ours       where it sits in diloco4j's flat θ, shaped as torch.nn.Linear stores it (out, in)
 * @param name       its name in HF's GPT2LMHeadModel, e.g. {@code transformer.h.0.mlp.c_fc.weight}
 * @param shape      its shape there
 * @param transposed whether HF stores the transpose: its Conv1D keeps weights (in, out)
 */
public record HfParam(ParamSpec ours, String name, long[] shape, boolean transposed) {
}

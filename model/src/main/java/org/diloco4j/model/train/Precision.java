package org.diloco4j.model.train;

/** Arithmetic of the inner loop's forward and backward. θ, gradients and AdamW state stay fp32 in both. */
public enum Precision {
    /** Everything in fp32. */
    FP32,
    /** libtorch CPU/CUDA autocast to bfloat16 around the forward (matmuls and attention in bf16). */
    BF16
}

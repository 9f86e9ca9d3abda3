/**
 * Outer optimizers, which apply pseudo-gradients δ = θ_old − θ_new to the global parameters: SGD,
 * PyTorch-exact SGD with Nesterov or heavy-ball momentum (DiLoCo), and Delayed Nesterov
 * (asynchronous DiLoCo). Built from an {@link org.diloco4j.core.optim.OuterOptimizerConfig}; their
 * state is an {@link org.diloco4j.core.optim.OptimizerState}, saved in checkpoints by
 * {@link org.diloco4j.core.io.CheckpointFile}.
 */
package org.diloco4j.core.optim;

/**
 * Outer optimizers, which apply pseudo-gradients δ = θ_old − θ_new to the global parameters: SGD,
 * PyTorch-exact SGD with Nesterov or heavy-ball momentum (DiLoCo), and Delayed Nesterov
 * (asynchronous DiLoCo). Built from an {@link org.diloco4j.core.optim.OuterOptimizerConfig}; their
 * state is checkpointed with {@link org.diloco4j.core.optim.OptimizerStateFormat}.
 */
package org.diloco4j.core.optim;

/**
 * The flat fp32 parameter vector: named tensors laid end to end ({@link org.diloco4j.core.params.ParamLayout}),
 * fragments of it ({@link org.diloco4j.core.params.Fragment}) and how a layout is cut into streaming fragments
 * ({@link org.diloco4j.core.params.FragmentPlanner}), and the vector arithmetic every outer step is made of
 * ({@link org.diloco4j.core.params.VectorOps}).
 */
package org.diloco4j.core.params;

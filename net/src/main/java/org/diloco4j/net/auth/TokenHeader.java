package org.diloco4j.net.auth;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/** The client side of {@link TokenInterceptor}: attaches the token to every call on a channel. */
public final class TokenHeader {
    private TokenHeader() {
    }

    public static ClientInterceptor interceptor(Token token) {
        Metadata m = new Metadata();
        m.put(TokenInterceptor.AUTHORIZATION, TokenInterceptor.BEARER + token.value());
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }
}

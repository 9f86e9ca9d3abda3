package org.diloco4j.core.io;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import java.io.IOException;
import java.util.Collection;

/**
 * Names the variant of every sealed interface in a state (a {@code Command}, an {@code Event}, a
 * simulator event) by its class name without the package ({@code Command$Train}), in a
 * {@code "type"} property. Only the interface's
 * permitted subclasses can be named, so a file cannot make the reader build any other class — the
 * gadget attack surface of Java deserialization does not exist here.
 */
final class SealedTyping extends ObjectMapper.DefaultTypeResolverBuilder {
    SealedTyping() {
        super(ObjectMapper.DefaultTyping.NON_FINAL, LaissezFaireSubTypeValidator.instance);
        init(JsonTypeInfo.Id.CUSTOM, null);
        inclusion(JsonTypeInfo.As.PROPERTY);
        typeProperty("type");
    }

    @Override
    public boolean useForType(JavaType t) {
        return t.getRawClass().isSealed();
    }

    @Override
    protected TypeIdResolver idResolver(MapperConfig<?> config, JavaType baseType, PolymorphicTypeValidator validator,
                                        Collection<NamedType> subtypes, boolean forSer, boolean forDeser) {
        return new Resolver(baseType);
    }

    private static final class Resolver extends TypeIdResolverBase {
        private final JavaType base;

        Resolver(JavaType base) {
            this.base = base;
        }

        @Override
        public String idFromValue(Object value) {
            return id(value.getClass());
        }

        @Override
        public String idFromValueAndType(Object value, Class<?> suggestedType) {
            return id(suggestedType);
        }

        private static String id(Class<?> c) {
            return c.getName().substring(c.getPackageName().length() + 1);
        }

        @Override
        public JavaType typeFromId(DatabindContext context, String id) throws IOException {
            Class<?> c = find(base.getRawClass(), id);
            if (c == null) throw new IOException("'" + id + "' is not a kind of " + base.getRawClass().getSimpleName());
            return context.constructSpecializedType(base, c);
        }

        private static Class<?> find(Class<?> sealed, String id) {
            for (Class<?> c : sealed.getPermittedSubclasses()) {
                if (id(c).equals(id)) return c;
                if (c.isSealed()) {
                    Class<?> inner = find(c, id);
                    if (inner != null) return inner;
                }
            }
            return null;
        }

        @Override
        public JsonTypeInfo.Id getMechanism() {
            return JsonTypeInfo.Id.CUSTOM;
        }
    }
}

package io.fmebridge.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fmebridge.settings.Destination;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsLoader;

/** The mapping rules of contract 3.4 and the drop reasons of 3.5, one test per sentence. */
class SegmentMessageMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final long RECEIVED = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

    /** Environment "prod" and destination "web"; each test adds the destination settings it is about. */
    private static final String SETTINGS = """
            environments:
              - id: prod
                trafficTypes: [user, account, anonymous]
            destinations:
              - id: web
                environment: prod
                trafficType: user
                apiKey: api-key-0001
                webhookSecret: hook-secret-0001
            """;

    private final SegmentMessageMapper mapper = new SegmentMessageMapper(JSON);

    // ---- helpers ------------------------------------------------------------------------

    /** The destination "web" with these extra settings, e.g. {@code "identify: false"}. */
    private static IngestContext ctx(String... destinationSettings) {
        String yaml = SETTINGS + Arrays.stream(destinationSettings).map(s -> "    " + s + "\n").collect(Collectors.joining());
        IntegrationSettings settings = SettingsLoader.parse("test.yml", yaml);
        Destination web = settings.destination("web").orElseThrow();
        return new IngestContext(web, settings.environment(web.environment()).orElseThrow(), RECEIVED);
    }

    /** A message from JSON written with single quotes, for readability. */
    private static SegmentMessage msg(String singleQuotedJson) {
        try {
            return msg((ObjectNode) JSON.readTree(singleQuotedJson.replace('\'', '"')));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SegmentMessage msg(ObjectNode json) {
        return SegmentMessage.of(1, json, json.toString().getBytes(StandardCharsets.UTF_8).length);
    }

    private static List<String> reasons(MappingResult result) {
        return result.drops().stream().map(d -> d.reason().code()).toList();
    }

    private static FmeEvent onlyEvent(MappingResult result) {
        assertThat(result.events()).hasSize(1);
        return result.events().get(0);
    }

    private static IdentityUpdate onlyIdentity(MappingResult result) {
        assertThat(result.identities()).hasSize(1);
        return result.identities().get(0);
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    // ---- key and traffic type -----------------------------------------------------------

    @Test
    void keyIsTheUserIdUnderTheDestinationsTrafficType() {           // contract 3.4, key and traffic type
        var event = onlyEvent(mapper.track(msg("{'type':'track','event':'e','userId':'u-1','anonymousId':'a-1'}"), ctx()));
        assertThat(event.key()).isEqualTo("u-1");
        assertThat(event.trafficType()).isEqualTo("user");
        assertThat(event.environmentId()).isEqualTo("prod");
        assertThat(event.destinationId()).isEqualTo("web");
    }

    @Test
    void keyIsTheAnonymousIdWhenIdentityIsAnonymousId() {            // contract 3.4, key and traffic type
        var event = onlyEvent(mapper.track(msg("{'type':'track','event':'e','userId':'u-1','anonymousId':'a-1'}"),
                ctx("identity: anonymousId")));
        assertThat(event.key()).isEqualTo("a-1");
        assertThat(event.trafficType()).isEqualTo("user");
    }

    @Test
    void withoutTheIdentityFieldTheAnonymousIdIsTheKeyUnderAnonymousTrafficType() { // contract 3.4, key and traffic type
        var event = onlyEvent(mapper.track(msg("{'type':'track','event':'e','anonymousId':'a-1'}"),
                ctx("anonymousTrafficType: anonymous")));
        assertThat(event.key()).isEqualTo("a-1");
        assertThat(event.trafficType()).isEqualTo("anonymous");
    }

    @Test
    void withoutTheIdentityFieldAndNoAnonymousTrafficTypeTheMessageIsMissingIdentity() { // contract 3.4 key; 3.5
        var result = mapper.track(msg("{'type':'track','event':'e','anonymousId':'a-1'}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("missing_identity");
    }

    @Test
    void aNumericKeyIsTurnedIntoItsString() {                         // contract 3.4, key and traffic type
        var event = onlyEvent(mapper.track(msg("{'type':'track','event':'e','userId':12345}"), ctx()));
        assertThat(event.key()).isEqualTo("12345");
    }

    @Test
    void aKeyOf250CharactersIsAccepted() {                            // contract 3.4, keys are 1 to 250 characters
        var event = onlyEvent(mapper.track(msg("{'type':'track','event':'e','userId':'" + "k".repeat(250) + "'}"), ctx()));
        assertThat(event.key()).hasSize(250);
    }

    @Test
    void aKeyOver250CharactersIsDroppedAsInvalidKey() {               // contract 3.4, keys are 1 to 250 characters; 3.5
        var result = mapper.track(msg("{'type':'track','event':'e','userId':'" + "k".repeat(251) + "'}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("invalid_key");
    }

    @Test
    void aKeyThatIsNeitherStringNorNumberIsDroppedAsInvalidKey() {    // contract 3.4, keys are strings; 3.5
        var result = mapper.identify(msg("{'type':'identify','userId':{'id':1}}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("invalid_key");
    }

    // ---- identify -----------------------------------------------------------------------

    @Test
    void identifyCreatesOrUpdatesTheIdentityOfEnvironmentTrafficTypeAndKey() { // contract 3.4, identify
        var identity = onlyIdentity(mapper.identify(msg("{'type':'identify','userId':'u-1','traits':{'plan':'pro'}}"), ctx()));
        assertThat(identity.environmentId()).isEqualTo("prod");
        assertThat(identity.trafficType()).isEqualTo("user");
        assertThat(identity.key()).isEqualTo("u-1");
        assertThat(identity.attributes()).containsOnlyKeys("plan");
    }

    @Test
    void stringNumberAndBooleanTraitsKeepTheirType() {                // contract 3.4, identify
        var attributes = onlyIdentity(mapper.identify(
                msg("{'type':'identify','userId':'u-1','traits':{'plan':'pro','seats':12,'ratio':0.5,'trial':true}}"),
                ctx())).attributes();
        assertThat(attributes.get("plan").isTextual()).isTrue();
        assertThat(attributes.get("plan").asText()).isEqualTo("pro");
        assertThat(attributes.get("seats").isNumber()).isTrue();
        assertThat(attributes.get("seats").asInt()).isEqualTo(12);
        assertThat(attributes.get("ratio").isNumber()).isTrue();
        assertThat(attributes.get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(attributes.get("trial").isBoolean()).isTrue();
        assertThat(attributes.get("trial").asBoolean()).isTrue();
    }

    @Test
    void objectAndArrayTraitsAreStoredAsTheirJsonText() throws Exception { // contract 3.4, identify
        var attributes = onlyIdentity(mapper.identify(
                msg("{'type':'identify','userId':'u-1','traits':{'address':{'city':'Paris'},'tags':['a','b']}}"),
                ctx())).attributes();
        assertThat(attributes.get("address").isTextual()).isTrue();
        assertThat(JSON.readTree(attributes.get("address").asText())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(attributes.get("tags").isTextual()).isTrue();
        assertThat(JSON.readTree(attributes.get("tags").asText())).isEqualTo(JSON.readTree("[\"a\",\"b\"]"));
    }

    @Test
    void aTraitOfExactly255CharactersIsStored() {                     // contract 3.4, identify
        var result = mapper.identify(msg("{'type':'identify','userId':'u-1','traits':{'bio':'" + "b".repeat(255) + "'}}"), ctx());
        assertThat(result.drops()).isEmpty();
        assertThat(onlyIdentity(result).attributes().get("bio").asText()).hasSize(255);
    }

    @Test
    void aTraitOver255CharactersIsNotStoredAndIsRecordedAsAttributeTooLong() { // contract 3.4, identify; 3.5
        var result = mapper.identify(
                msg("{'type':'identify','userId':'u-1','traits':{'bio':'" + "b".repeat(256) + "','plan':'pro'}}"), ctx());
        assertThat(onlyIdentity(result).attributes()).containsOnlyKeys("plan");
        assertThat(reasons(result)).containsExactly("attribute_too_long");
        assertThat(result.drops().get(0).detail()).contains("bio");
    }

    @Test
    void identifyCarriesOnlyTheTraitsItNames() {                      // contract 3.4, identify: a later identify updates the attributes it names
        var attributes = onlyIdentity(mapper.identify(msg("{'type':'identify','userId':'u-1','traits':{'plan':'pro'}}"), ctx()))
                .attributes();
        assertThat(attributes).containsOnlyKeys("plan"); // nothing else is set, so the others stay as stored
    }

    @Test
    void identifySwitchedOffIsDroppedAsIdentifyDisabled() {           // contract 3.4, identify (when identify is on); 3.5
        var result = mapper.identify(msg("{'type':'identify','userId':'u-1','traits':{'plan':'pro'}}"), ctx("identify: false"));
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("identify_disabled");
    }

    // ---- track --------------------------------------------------------------------------

    @Test
    void theEventTypeIdIsTheValueAtEventTypeIdField() {               // contract 3.4, track
        var event = onlyEvent(mapper.track(msg("{'type':'track','userId':'u-1','event':'checkout'}"), ctx()));
        assertThat(event.eventTypeId()).isEqualTo("checkout");
    }

    @Test
    void spacesInEventTypeIdBecomeUnderscores() {                     // contract 3.4, track
        var event = onlyEvent(mapper.track(msg("{'type':'track','userId':'u-1','event':'Order Completed'}"), ctx()));
        assertThat(event.eventTypeId()).isEqualTo("Order_Completed");
    }

    @Test
    void eventTypeIdFieldMayBeADottedPath() {                         // contract 2, field paths; 3.4, track
        var event = onlyEvent(mapper.track(
                msg("{'type':'track','userId':'u-1','event':'ignored','properties':{'eventName':'plan_upgraded'}}"),
                ctx("eventTypeIdField: properties.eventName")));
        assertThat(event.eventTypeId()).isEqualTo("plan_upgraded");
    }

    @Test
    void eventTypeIdFieldMayBeAJsonPath() {                           // contract 2, a JSONPath starting with $ is accepted
        var event = onlyEvent(mapper.track(
                msg("{'type':'track','userId':'u-1','event':'ignored','properties':{'event name':'plan_upgraded'}}"),
                ctx("eventTypeIdField: \"$.properties['event name']\"")));
        assertThat(event.eventTypeId()).isEqualTo("plan_upgraded");
    }

    @Test
    void anEventTypeIdOf80CharactersMatchesThePattern() {             // contract 3.4, track: ^[a-zA-Z0-9][-_.:a-zA-Z0-9]{0,79}$
        var event = onlyEvent(mapper.track(msg("{'type':'track','userId':'u-1','event':'a-b_c.d:" + "e".repeat(72) + "'}"), ctx()));
        assertThat(event.eventTypeId()).hasSize(80);
    }

    @Test
    void anEventTypeIdNotMatchingThePatternIsDroppedAsInvalidEventTypeId() { // contract 3.4, track; 3.5
        for (String bad : List.of("Order/Completed", "_leading_underscore", "e".repeat(81), "caf\u00e9")) {
            var result = mapper.track(msg("{'type':'track','userId':'u-1','event':'" + bad + "'}"), ctx());
            assertThat(result.stored()).as(bad).isFalse();
            assertThat(reasons(result)).as(bad).containsExactly("invalid_event_type_id");
        }
    }

    @Test
    void aTrackWithoutEventTypeIdIsDroppedAsMissingEventTypeId() {    // contract 3.4, track; 3.5
        var result = mapper.track(msg("{'type':'track','userId':'u-1'}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("missing_event_type_id");
    }

    @Test
    void theValueIsTheNumberAtValueField() {                          // contract 3.4, track
        var event = onlyEvent(mapper.track(
                msg("{'type':'track','userId':'u-1','event':'order','properties':{'revenue':19.99}}"),
                ctx("valueField: properties.revenue")));
        assertThat(event.value()).isEqualTo(19.99);
    }

    @Test
    void aNumericStringValueCounts() {                                // contract 3.4, track
        var event = onlyEvent(mapper.track(
                msg("{'type':'track','userId':'u-1','event':'order','properties':{'revenue':'42.5'}}"),
                ctx("valueField: properties.revenue")));
        assertThat(event.value()).isEqualTo(42.5);
    }

    @Test
    void aNonNumericValueGivesNullAndTheEventIsStillStored() {        // contract 3.4, track
        var result = mapper.track(
                msg("{'type':'track','userId':'u-1','event':'order','properties':{'revenue':'lots'}}"),
                ctx("valueField: properties.revenue"));
        assertThat(onlyEvent(result).value()).isNull();
        assertThat(result.drops()).isEmpty();
    }

    @Test
    void nestedPropertiesAreFlattenedWithDots() {                     // contract 3.4, track
        var properties = onlyEvent(mapper.track(
                msg("{'type':'track','userId':'u-1','event':'e','properties':{'address':{'city':'Paris','geo':{'zip':'75001'}},'n':1}}"),
                ctx())).properties();
        assertThat(properties.get("address.city").asText()).isEqualTo("Paris");
        assertThat(properties.get("address.geo.zip").asText()).isEqualTo("75001");
        assertThat(properties.get("n").asInt()).isEqualTo(1);
        assertThat(properties.has("address")).isFalse();
    }

    @Test
    void arrayPropertiesAreKeptAsJsonText() throws Exception {        // contract 3.4, track
        var properties = onlyEvent(mapper.track(
                msg("{'type':'track','userId':'u-1','event':'e','properties':{'items':[{'sku':'a'},2]}}"), ctx())).properties();
        assertThat(properties.get("items").isTextual()).isTrue();
        assertThat(JSON.readTree(properties.get("items").asText())).isEqualTo(JSON.readTree("[{\"sku\":\"a\"},2]"));
    }

    @Test
    void threeHundredPropertiesAreAccepted() {                        // contract 3.4, track: at most 300 properties
        var result = mapper.track(msg(trackWithProperties(300, 1)), ctx());
        assertThat(onlyEvent(result).properties().size()).isEqualTo(300);
    }

    @Test
    void moreThan300PropertiesAreDroppedAsPropertiesTooLarge() {      // contract 3.4, track; 3.5
        var result = mapper.track(msg(trackWithProperties(301, 1)), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("properties_too_large");
    }

    @Test
    void propertiesOver32KbInAllAreDroppedAsPropertiesTooLarge() {    // contract 3.4, track; 3.5
        var result = mapper.track(msg(trackWithProperties(10, 4 * 1024)), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("properties_too_large");
    }

    private static ObjectNode trackWithProperties(int count, int valueLength) {
        ObjectNode message = JSON.createObjectNode().put("type", "track").put("userId", "u-1").put("event", "e");
        ObjectNode properties = message.putObject("properties");
        for (int i = 0; i < count; i++) {
            properties.put("p" + i, "v".repeat(valueLength));
        }
        return message;
    }

    @Test
    void trackSwitchedOffIsDroppedAsTrackDisabled() {                 // contract 3.4, track (when track is on); 3.5
        var result = mapper.track(msg("{'type':'track','userId':'u-1','event':'e'}"), ctx("track: false"));
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("track_disabled");
    }

    // ---- event-level groups -------------------------------------------------------------

    @Test
    void eachPairOfPropertiesSplitAddsTheSameEventForThatTrafficTypeAndKey() { // contract 3.4, event-level groups
        var result = mapper.track(msg("""
                {'type':'track','userId':'u-1','event':'order','timestamp':'2024-05-01T10:00:00Z',
                 'properties':{'revenue':5,'split':[{'account':'acc-1'},{'anonymous':'an-1','account':'acc-2'}]}}"""),
                ctx("valueField: properties.revenue"));
        assertThat(result.events()).extracting(FmeEvent::trafficType, FmeEvent::key).containsExactlyInAnyOrder(
                tuple("user", "u-1"),
                tuple("account", "acc-1"),
                tuple("anonymous", "an-1"),
                tuple("account", "acc-2"));
        FmeEvent main = result.events().get(0);
        assertThat(result.events()).allSatisfy(e -> {
            assertThat(e.eventTypeId()).isEqualTo("order");
            assertThat(e.value()).isEqualTo(5.0);
            assertThat(e.timestamp()).isEqualTo(main.timestamp());
            assertThat(e.properties()).isEqualTo(main.properties());
        });
    }

    @Test
    void aSinglePropertiesSplitObjectIsAcceptedToo() {                // contract 3.4, event-level groups
        var result = mapper.track(msg("{'type':'track','userId':'u-1','event':'e','properties':{'split':{'account':'acc-1'}}}"), ctx());
        assertThat(result.events()).extracting(FmeEvent::key).containsExactlyInAnyOrder("u-1", "acc-1");
    }

    @Test
    void splitItselfIsNotStoredAsAProperty() {                        // contract 3.4, event-level groups
        var result = mapper.track(
                msg("{'type':'track','userId':'u-1','event':'e','properties':{'plan':'pro','split':{'account':'acc-1'}}}"), ctx());
        assertThat(result.events()).allSatisfy(e -> {
            assertThat(e.properties().has("split")).isFalse();
            assertThat(e.properties().fieldNames()).toIterable().noneMatch(name -> name.startsWith("split"));
            assertThat(e.properties().get("plan").asText()).isEqualTo("pro");
        });
    }

    @Test
    void anUnknownTrafficTypeInSplitIsDroppedWhileTheMainEventIsStored() { // contract 3.4, event-level groups; 3.5
        var result = mapper.track(
                msg("{'type':'track','userId':'u-1','event':'e','properties':{'split':[{'visitor':'v-1'},{'account':'acc-1'}]}}"), ctx());
        assertThat(result.events()).extracting(FmeEvent::key).containsExactlyInAnyOrder("u-1", "acc-1");
        assertThat(reasons(result)).containsExactly("unknown_traffic_type");
        assertThat(result.drops().get(0).detail()).contains("visitor");
    }

    // ---- page / screen ------------------------------------------------------------------

    @Test
    void aNamedPageBecomesThePageTemplateEvent() {                    // contract 3.4, page / screen
        var event = onlyEvent(mapper.page(msg("{'type':'page','userId':'u-1','name':'signup'}"), ctx()));
        assertThat(event.eventTypeId()).isEqualTo("view_signup_page");
    }

    @Test
    void aNamedScreenBecomesTheScreenTemplateEvent() {                // contract 3.4, page / screen
        var event = onlyEvent(mapper.screen(msg("{'type':'screen','userId':'u-1','name':'signup'}"), ctx()));
        assertThat(event.eventTypeId()).isEqualTo("view_signup_screen");
    }

    @Test
    void spacesInAPageNameBecomeUnderscores() {                       // contract 3.4, page / screen
        var event = onlyEvent(mapper.page(msg("{'type':'page','userId':'u-1','name':'Sign Up'}"), ctx()));
        assertThat(event.eventTypeId()).isEqualTo("view_Sign_Up_page");
    }

    @Test
    void theNameReplacesNameInTheDestinationsTemplate() {             // contract 3.4, page / screen
        var event = onlyEvent(mapper.screen(msg("{'type':'screen','userId':'u-1','name':'home'}"),
                ctx("screenEventTemplate: \"app.screen.{name}\"")));
        assertThat(event.eventTypeId()).isEqualTo("app.screen.home");
    }

    @Test
    void pagePropertiesAreKeptAsForTrack() {                          // contract 3.4, page / screen
        var event = onlyEvent(mapper.page(
                msg("{'type':'page','userId':'u-1','name':'signup','properties':{'url':'https://x','utm':{'source':'ad'},'tags':['a']}}"),
                ctx()));
        assertThat(event.properties().get("url").asText()).isEqualTo("https://x");
        assertThat(event.properties().get("utm.source").asText()).isEqualTo("ad");
        assertThat(event.properties().get("tags").asText()).isEqualTo("[\"a\"]");
    }

    @Test
    void pagesSwitchedOffAreDroppedAsPageDisabled() {                 // contract 3.4, page (when namedPages is on); 3.5
        var result = mapper.page(msg("{'type':'page','userId':'u-1','name':'signup'}"), ctx("namedPages: false"));
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("page_disabled");
    }

    @Test
    void screensSwitchedOffAreDroppedAsScreenDisabled() {             // contract 3.4, screen (when namedScreens is on); 3.5
        var result = mapper.screen(msg("{'type':'screen','userId':'u-1','name':'signup'}"), ctx("namedScreens: false"));
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("screen_disabled");
    }

    @Test
    void aPageWithoutNameIsDroppedAsUnnamedPage() {                   // contract 3.4, a message with a name; 3.5
        var result = mapper.page(msg("{'type':'page','userId':'u-1','properties':{'url':'https://x'}}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("unnamed_page");
    }

    @Test
    void aScreenWithoutNameIsDroppedAsUnnamedScreen() {               // contract 3.4, a message with a name; 3.5
        var result = mapper.screen(msg("{'type':'screen','userId':'u-1'}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("unnamed_screen");
    }

    // ---- group --------------------------------------------------------------------------

    @Test
    void groupTraitsSplitIdentifiesEachKeyWithTheOtherTraitsAsAttributes() { // contract 3.4, group
        var identity = onlyIdentity(mapper.group(
                msg("{'type':'group','userId':'u-1','groupId':'g-1','traits':{'split':{'account':'acc-1'},'plan':'pro','seats':10}}"),
                ctx()));
        assertThat(identity.trafficType()).isEqualTo("account");
        assertThat(identity.key()).isEqualTo("acc-1");
        assertThat(identity.attributes()).containsOnlyKeys("plan", "seats");
        assertThat(identity.attributes().get("seats").isNumber()).isTrue();
    }

    @Test
    void withGroupTrafficTypeAGroupWithoutTraitsSplitIdentifiesItsGroupId() { // contract 3.4, group
        var identity = onlyIdentity(mapper.group(
                msg("{'type':'group','userId':'u-1','groupId':'g-1','traits':{'plan':'pro'}}"),
                ctx("groupTrafficType: account")));
        assertThat(identity.trafficType()).isEqualTo("account");
        assertThat(identity.key()).isEqualTo("g-1");
        assertThat(identity.attributes()).containsOnlyKeys("plan");
    }

    @Test
    void aGroupWhoseTraitsSplitNamesNothingIsRecordedNotLost() {      // contract 3.5: nothing disappears silently
        var result = mapper.group(msg("{'type':'group','userId':'u-1','groupId':'g-1','traits':{'split':{}}}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("missing_identity");
    }

    @Test
    void aTraitNameOver255CharactersIsRecordedAndTheOthersKept() {    // contract 3.4: attribute limit, 3.5
        var result = mapper.identify(msg("{'type':'identify','userId':'u-1','traits':{'" + "n".repeat(256) + "':1,'plan':'pro'}}"), ctx());
        assertThat(onlyIdentity(result).attributes()).containsOnlyKeys("plan");
        assertThat(reasons(result)).containsExactly("attribute_too_long");
    }

    // ---- time ---------------------------------------------------------------------------

    @Test
    void theEventTimeIsTheTimestampWhenPresent() {                    // contract 3.4, time
        var event = onlyEvent(mapper.track(msg("""
                {'type':'track','userId':'u-1','event':'e','timestamp':'2024-05-01T10:00:00Z',
                 'originalTimestamp':'2024-05-01T09:00:00Z','sentAt':'2024-05-01T09:00:05Z'}"""), ctx()));
        assertThat(event.timestamp()).isEqualTo(millis("2024-05-01T10:00:00Z"));
    }

    @Test
    void elseTheOriginalTimestampIsCorrectedForClockSkew() {          // contract 3.4, time: received - (sentAt - originalTimestamp)
        var event = onlyEvent(mapper.track(msg("""
                {'type':'track','userId':'u-1','event':'e',
                 'originalTimestamp':'2024-05-01T09:00:00Z','sentAt':'2024-05-01T09:00:05Z'}"""), ctx()));
        assertThat(event.timestamp()).isEqualTo(RECEIVED - 5_000);
    }

    @Test
    void elseTheEventTimeIsTheTimeItWasReceived() {                   // contract 3.4, time
        var event = onlyEvent(mapper.track(msg("{'type':'track','userId':'u-1','event':'e'}"), ctx()));
        assertThat(event.timestamp()).isEqualTo(RECEIVED);
    }

    // ---- duplicates and other drops -----------------------------------------------------

    @Test
    void aDuplicateStoresNothingAndIsCountedAsDuplicate() {           // contract 3.4, duplicates; 3.5
        var result = mapper.duplicate(msg("{'type':'track','userId':'u-1','event':'e','messageId':'m-1'}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(result.duplicate()).isTrue();
        assertThat(reasons(result)).containsExactly("duplicate");
    }

    @Test
    void anUnsupportedTypeIsDroppedAsUnsupportedType() {              // contract 3.5
        var result = mapper.unsupported(msg("{'type':'alias','userId':'u-1','previousId':'a-1'}"), ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("unsupported_type");
    }

    @Test
    void aBatchElementThatIsNotAnObjectIsDroppedAsInvalidMessage() {  // contract 3.3, 3.5
        var refused = parseBatch("[{\"type\":\"track\"}, 42]").get(1);
        var result = mapper.refused(refused, ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("invalid_message");
    }

    @Test
    void aBatchElementOver32KbIsDroppedAsMessageTooLarge() {          // contract 3.3, 3.5
        String big = "{\"type\":\"track\",\"messageId\":\"m-big\",\"event\":\"e\",\"userId\":\"u-1\",\"properties\":{\"pad\":\""
                + "x".repeat(33 * 1024) + "\"}}";
        var refused = parseBatch("[" + big + "]").get(0);
        var result = mapper.refused(refused, ctx());
        assertThat(result.stored()).isFalse();
        assertThat(reasons(result)).containsExactly("message_too_large");
        assertThat(result.drops().get(0).messageId()).isEqualTo("m-big");
    }

    private static List<SegmentMessage> parseBatch(String body) {
        return new SegmentRequestParser(JSON, 32 * 1024, 2500).parse(body.getBytes(StandardCharsets.UTF_8), null).messages();
    }

    @Test
    void aDropIsRecordedWithDestinationMessageIdTimeReasonAndDetail() { // contract 3.5
        var result = mapper.track(msg("{'type':'track','userId':'u-1','messageId':'m-7'}"), ctx());
        assertThat(result.drops()).singleElement().satisfies(drop -> {
            assertThat(drop.destinationId()).isEqualTo("web");
            assertThat(drop.messageId()).isEqualTo("m-7");
            assertThat(drop.receivedAt()).isEqualTo(RECEIVED);
            assertThat(drop.reason().code()).isEqualTo("missing_event_type_id");
            assertThat(drop.detail()).isNotBlank();
        });
    }

    @Test
    void theReasonCodesAreExactlyThoseOfTheContract() {               // contract 3.5
        assertThat(Arrays.stream(DropReason.values()).map(DropReason::code)).containsExactlyInAnyOrder(
                "invalid_message", "message_too_large", "missing_identity", "invalid_key",
                "missing_event_type_id", "invalid_event_type_id", "properties_too_large", "unknown_traffic_type",
                "attribute_too_long", "identify_disabled", "track_disabled", "page_disabled", "screen_disabled",
                "unnamed_page", "unnamed_screen", "unsupported_type", "duplicate");
    }
}

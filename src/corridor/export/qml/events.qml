<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- events (and events_far): the web map's groups and symbols (corridor.webmap.style.EVENT_SYMBOLS):
     patrols completed (circle), patrols cut short (circle with a bar), attacks (triangle), protests
     (square), everything else from the catalogue (diamond), imported rows (small dot). -->
<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="0">
  <renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" enableorderby="1">
    <rules key="root">
      <rule key="imported" filter="${is_imported}" symbol="5" label="Imported events"/>
      <rule key="patrol_done" filter="${is_patrol_done}" symbol="0" label="Patrols completed or full route"/>
      <rule key="patrol_cut" filter="${is_patrol_cut}" symbol="1" label="Patrols cut short, limited or disputed"/>
      <rule key="attack" filter="${is_attack}" symbol="2" label="Attacks"/>
      <rule key="protest" filter="${is_protest}" symbol="3" label="Protests and blockades"/>
      <rule key="other" filter="ELSE" symbol="4" label="Agreements, statements and other"/>
    </rules>
    <symbols>
      <symbol name="0" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
${marker_patrol_done}
      </symbol>
      <symbol name="1" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
${marker_patrol_cut}
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="angle" value="90" type="QString"/>
            <Option name="color" value="255,255,255,255" type="QString"/>
            <Option name="name" value="line" type="QString"/>
            <Option name="outline_color" value="255,255,255,255" type="QString"/>
            <Option name="outline_width" value="2" type="QString"/>
            <Option name="outline_width_unit" value="Pixel" type="QString"/>
            <Option name="size" value="7" type="QString"/>
            <Option name="size_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="2" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
${marker_attack}
      </symbol>
      <symbol name="3" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
${marker_protest}
      </symbol>
      <symbol name="4" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
${marker_other}
      </symbol>
      <symbol name="5" type="marker" alpha="0.9" clip_to_extent="1" force_rhr="0">
${marker_imported}
      </symbol>
    </symbols>
    <orderby>
      <orderByClause asc="0" nullsFirst="0">"origin" = 'catalogue'</orderByClause>
    </orderby>
  </renderer-v2>
  <layerGeometryType>0</layerGeometryType>
</qgis>

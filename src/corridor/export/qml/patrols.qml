<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- patrols: each patrol as the stretch of road it covered, in lanes beside the road as on the web
     map (completed nearer the road, cut short farther out), north of the road: the stretches run
     west to east (chainage order) and QGIS offsets a line to its right for positive values. -->
<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="0">
  <renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" enableorderby="0">
    <rules key="root">
      <rule key="patrol_done" filter="${is_done}" symbol="0" label="Patrols completed or full route"/>
      <rule key="patrol_cut" filter="ELSE" symbol="1" label="Patrols cut short, limited or disputed"/>
    </rules>
    <symbols>
      <symbol name="0" type="line" alpha="0.85" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleLine" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="capstyle" value="flat" type="QString"/>
            <Option name="line_color" value="${patrol_done}" type="QString"/>
            <Option name="line_style" value="solid" type="QString"/>
            <Option name="line_width" value="3" type="QString"/>
            <Option name="line_width_unit" value="Pixel" type="QString"/>
            <Option name="offset" value="${lane_done}" type="QString"/>
            <Option name="offset_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="1" type="line" alpha="0.85" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleLine" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="capstyle" value="flat" type="QString"/>
            <Option name="line_color" value="${patrol_cut}" type="QString"/>
            <Option name="line_style" value="solid" type="QString"/>
            <Option name="line_width" value="3" type="QString"/>
            <Option name="line_width_unit" value="Pixel" type="QString"/>
            <Option name="offset" value="${lane_cut}" type="QString"/>
            <Option name="offset_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <layerGeometryType>1</layerGeometryType>
</qgis>

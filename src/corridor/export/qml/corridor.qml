<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- corridor: the two halves by side (warm north, cool south), the part cut off at the border
     hatched, the union hidden (it repeats the halves). Colours: corridor.webmap.style.PALETTE. -->
<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="0">
  <renderer-v2 type="categorizedSymbol" attr="side" symbollevels="0" forceraster="0" enableorderby="0">
    <categories>
      <category value="north" symbol="0" label="North half (Turkish patrols)" render="true"/>
      <category value="south" symbol="1" label="South half (Russian patrols)" render="true"/>
      <category value="cut" symbol="2" label="Outside Syria (cut off at the border)" render="true"/>
      <category value="union" symbol="3" label="Both halves (union)" render="false"/>
    </categories>
    <symbols>
      <symbol name="0" type="fill" alpha="0.6" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="${north_fill}" type="QString"/>
            <Option name="outline_color" value="${north_edge}" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="1.2" type="QString"/>
            <Option name="outline_width_unit" value="Pixel" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="1" type="fill" alpha="0.6" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="${south_fill}" type="QString"/>
            <Option name="outline_color" value="${south_edge}" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="1.2" type="QString"/>
            <Option name="outline_width_unit" value="Pixel" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="2" type="fill" alpha="0.8" clip_to_extent="1" force_rhr="0">
        <layer class="LinePatternFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="angle" value="45" type="QString"/>
            <Option name="distance" value="6" type="QString"/>
            <Option name="distance_unit" value="Pixel" type="QString"/>
            <Option name="line_width" value="1" type="QString"/>
            <Option name="line_width_unit" value="Pixel" type="QString"/>
          </Option>
          <symbol name="@2@0" type="line" alpha="1" clip_to_extent="1" force_rhr="0">
            <layer class="SimpleLine" enabled="1" locked="0" pass="0">
              <Option type="Map">
                <Option name="line_color" value="${cut}" type="QString"/>
                <Option name="line_style" value="solid" type="QString"/>
                <Option name="line_width" value="1" type="QString"/>
                <Option name="line_width_unit" value="Pixel" type="QString"/>
              </Option>
            </layer>
          </symbol>
        </layer>
        <layer class="SimpleLine" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="line_color" value="${cut}" type="QString"/>
            <Option name="line_style" value="dash" type="QString"/>
            <Option name="line_width" value="1" type="QString"/>
            <Option name="line_width_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="3" type="fill" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="0,0,0,0" type="QString"/>
            <Option name="outline_color" value="${outline}" type="QString"/>
            <Option name="outline_width" value="1" type="QString"/>
            <Option name="outline_width_unit" value="Pixel" type="QString"/>
            <Option name="style" value="no" type="QString"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <layerGeometryType>2</layerGeometryType>
</qgis>
